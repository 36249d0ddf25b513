/**
 * Our own engine must pass the same scenarios against the software authenticator over both the
 * in-memory and the UDP transports: one scenario table (scenarios.ts), run once per transport.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryConnection } from '../../../src/transport/in-memory.js';
import { UdpConnection } from '../../../src/transport/udp.js';
import { type Scenario, scenarios } from './scenarios.js';
import { Session, transports } from './transports.js';

describe.each(transports)('engine against the software key over $name', (transport) => {
  it.each(scenarios)('$name', async (scenario: Scenario) => {
    const session = await Session.start(transport, scenario.key, scenario.ctap2 !== false);
    try {
      // The row really runs over the transport it is reported under.
      expect(session.connection).toBeInstanceOf(transport.name === 'udp' ? UdpConnection : InMemoryConnection);
      await scenario.run(session);
    } finally {
      await session.close();
    }
  });
});
