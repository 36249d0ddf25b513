#!/bin/bash
# deb post-install for Security Key Manager (an electron-builder template: ${executable} and
# ${sanitizedProductName} are filled in at build time, so shell variables here avoid braces).
# Does what electron-builder's default script does, then installs the udev rule that lets the
# person at the seat use FIDO security keys without root.

if type update-alternatives >/dev/null 2>&1; then
    # Remove a previous link that does not use update-alternatives
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' '/opt/${sanitizedProductName}/${executable}' 100 || ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
else
    ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
fi

# Chromium's sandbox: SUID helper only where unprivileged user namespaces are unavailable.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# AppArmor profile (Ubuntu 24.04 and later restrict unprivileged user namespaces without one).
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the AppArmor profile: this AppArmor version does not support it"
  fi
fi

# udev rule for FIDO security keys (hidraw, uaccess tag for the logged-in user).
UDEV_RULES_SOURCE='/opt/${sanitizedProductName}/resources/linux/70-security-key-manager.rules'
UDEV_RULES_TARGET='/usr/lib/udev/rules.d/70-security-key-manager.rules'
if [ -f "$UDEV_RULES_SOURCE" ]; then
    install -D -m 0644 "$UDEV_RULES_SOURCE" "$UDEV_RULES_TARGET"
    if hash udevadm 2>/dev/null && ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; }; then
        # Reload, then re-run the rules for keys that are already plugged in.
        udevadm control --reload-rules || true
        udevadm trigger --subsystem-match=hidraw --action=change || true
    fi
fi
