#!/usr/bin/env bash
# Regenerates docs/evidence-report.png: the HTML evidence report of a throwaway ledger (the
# shipped checklist, two signers, a tag, a waiver and a re-certification that run out soon,
# every event within a few minutes), rendered by headless Chromium.
# Needs `readiness` on PATH (swift build, then PATH=$PWD/.build/debug:$PATH) and chromium.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/evidence-report.png
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work GIT_CONFIG_GLOBAL=$work/gitconfig GIT_CONFIG_NOSYSTEM=1 READINESS_LEDGER=$work/ledger.git
person() { # name email: a signing key and a git config of its own
    ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$work/$2"
    printf '[user]\n\tname = %s\n\temail = %s\n\tsigningkey = %s\n[gpg]\n\tformat = ssh\n' "$1" "$2" "$work/$2" > "$work/$2.config"
}
person 'Kari Nordmann' kari@example.no
person 'Ola Hansen' ola@example.no
cp "$work/kari@example.no.config" "$GIT_CONFIG_GLOBAL"
as_ola() { GIT_CONFIG_GLOBAL=$work/ola@example.no.config "$@"; }
soon() { date -u -d "+$1 days" +%F; }

readiness init >/dev/null
readiness trust add ola@example.no "$work/ola@example.no.pub" >/dev/null
readiness policy recertify 2.1 14 >/dev/null
for item in 1.1 1.2 1.3 1.4 2.1 2.2 3.1 3.2 3.3 4.1 5.1; do
    readiness check "$item" --note "Verified in staging" --evidence "https://ci.example.no/run/$RANDOM" >/dev/null
done
for item in 1.6 4.2 4.3 7.1 7.2 8.1 9.1 9.2 10.1; do
    as_ola readiness check "$item" --note "Reviewed with the team" >/dev/null
done
readiness waive 6.1 --reason 'Ingen AI i første versjon' --until "$(soon 20)" >/dev/null
as_ola readiness waive 11.1 --reason 'Load test after launch' --until "$(soon 90)" >/dev/null
readiness uncheck 3.3 --reason 'Backup restore failed on the test run' >/dev/null
readiness evidence --out "$work/pack" >/dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1600 \
    --screenshot="$out" "file://$work/pack/report.html" 2>/dev/null
echo "wrote $out"
