#!/bin/bash
# deb post-remove for Security Key Manager (electron-builder template: ${executable} and
# ${sanitizedProductName} are filled in at build time). Undoes after-install.sh.

if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}'
else
    rm -f '/usr/bin/${executable}'
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi

# The udev rule goes with the package; on upgrade the new after-install puts it back.
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
    rm -f '/usr/lib/udev/rules.d/70-security-key-manager.rules'
    if hash udevadm 2>/dev/null && ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; }; then
        udevadm control --reload-rules || true
    fi
fi
