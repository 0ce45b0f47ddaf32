# SPDX-License-Identifier: MIT
# Model-check the notification protocol (model/ring.pml) with spin: the
# library's ordering passes; each broken variant (a full fence removed, back
# moderation without a timer, front moderation without its cap, notifying
# on every push) must fail with the error it is meant to show.
set -eu
bash model/check.sh
