/**
 * The Linux udev rule that gives the logged-in user access to FIDO keys' hidraw nodes, and the one
 * wording of how to install it, shared by the node-hid transport's permission error and the doctor.
 * Where the rule file lives depends on how the app was installed, so callers pass its path.
 */
export const UDEV_RULE_FILE = '70-security-key-manager.rules';

/** The rule in a source checkout; the app and the CLI pass the path of their own copy. */
export const DEFAULT_UDEV_RULE_PATH = `resources/linux/${UDEV_RULE_FILE}`;

/** The exact commands that install the rule and apply it to keys already plugged in. */
export function udevRuleInstallCommand(rulePath: string = DEFAULT_UDEV_RULE_PATH): string {
  const quoted = /^[\w@%+=:,./-]+$/.test(rulePath) ? rulePath : `'${rulePath.replace(/'/g, `'\\''`)}'`;
  return `sudo cp ${quoted} /etc/udev/rules.d/${UDEV_RULE_FILE} && sudo udevadm control --reload-rules && sudo udevadm trigger`;
}
