#!/usr/bin/env bash
# Run deploy/install.sh on a fresh Debian 12 host whose PID 1 is systemd, and check what it
# built, on a machine that has no such host to spare (or no systemd of its own):
#
#   sudo deploy/try-on-fresh-debian.sh
#
# It builds a minimal Debian 12 root file system (debootstrap), boots it with systemd as its
# PID 1 in a container (systemd-nspawn), copies this checkout's committed files into it, runs
# `deploy/install.sh upright.test` there as a newcomer would, and then checks:
# the app servers, nginx and PostgreSQL are active under systemd and enabled for boot; the two
# timers are scheduled; https://upright.test/health/ and the sign-in page answer through nginx
# and plain HTTP is sent to HTTPS; both app servers restart at once while requests arrive and
# the app answers every one; the nightly backup's service writes a dump and the restore
# check's service passes it; and a second run of install.sh changes nothing that breaks.
# Then it stops the container and removes it.
#
# The container shares this machine's network (apt and pip download as on a real host), so
# ports 80, 443, 5432, 8001 and 8002 on 127.0.0.1 must be free: stop a local PostgreSQL first.
# Needs root, Debian's debootstrap and systemd-container (installed when missing) and about
# 1.5 GB in ROOTFS. Takes 5-10 minutes.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOTFS="${UPRIGHT_TRY_ROOTFS:-/var/tmp/upright-fresh-debian}"
MIRROR="${UPRIGHT_TRY_MIRROR:-http://deb.debian.org/debian}"
NAME=upright-fresh
SERVER=upright.test

say() { printf '\n[%5ss] %s\n' "$SECONDS" "$*"; }
fail() { printf '\ntry-on-fresh-debian: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root."
for port in 80 443 5432 8001 8002; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    fail "port $port is in use on this machine; the container shares its network."
  fi
done

say "debootstrap and systemd-nspawn"
export DEBIAN_FRONTEND=noninteractive
command -v debootstrap >/dev/null && command -v systemd-nspawn >/dev/null \
  || { apt-get update -qq && apt-get install -y -qq debootstrap systemd-container >/dev/null; }

say "a minimal Debian 12 in $ROOTFS"
rm -rf "$ROOTFS"
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,ca-certificates,iproute2 \
  bookworm "$ROOTFS" "$MIRROR" >/dev/null
echo "$NAME" > "$ROOTFS/etc/hostname"
printf '127.0.0.1 localhost %s\n' "$SERVER" > "$ROOTFS/etc/hosts"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
# Certificate authorities this machine trusts beyond Debian's own (a proxy that inspects TLS
# has one): the container trusts them too, and pip is told to use that list.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
  chroot "$ROOTFS" update-ca-certificates >/dev/null 2>&1
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > "$ROOTFS/etc/pip.conf"
fi
# The checkout as committed (what a clinic would download), owned by root.
install -d "$ROOTFS/opt/upright"
git -C "$APP_DIR" archive --format=tar --prefix=app/ HEAD | tar -x -C "$ROOTFS/opt/upright"

say "booting it (systemd as PID 1)"
systemd-nspawn --quiet -D "$ROOTFS" --machine="$NAME" --boot --register=no --keep-unit \
  > "$ROOTFS.console.log" 2>&1 &
nspawn=$!
cleanup() {
  status=$?
  set +e
  if [ "$status" != 0 ] && [ -n "${leader:-}" ]; then
    echo "== the app servers' and nginx's journal, last lines" >&2
    inside journalctl --no-pager -n 60 -u 'upright@*' -u nginx >&2
    echo "== nginx's logs, last lines" >&2
    inside sh -c 'tail -n 20 /var/log/nginx/*.log' >&2
  fi
  if [ -n "${leader:-}" ]; then kill -s SIGRTMIN+4 "$leader" 2>/dev/null; fi  # poweroff
  for _ in $(seq 1 30); do kill -0 "$nspawn" 2>/dev/null || break; sleep 1; done
  kill "$nspawn" 2>/dev/null
  wait "$nspawn" 2>/dev/null
  rm -rf "$ROOTFS"
}
trap cleanup EXIT
leader=""
for _ in $(seq 1 60); do
  leader="$(pgrep -P "$nspawn" -x systemd || true)"
  [ -n "$leader" ] && break
  sleep 1
done
[ -n "$leader" ] || fail "the container's systemd did not start (see $ROOTFS.console.log)."
inside() { nsenter --target "$leader" --mount --uts --ipc --pid -- env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"; }
for _ in $(seq 1 60); do
  state="$(inside systemctl is-system-running 2>/dev/null || true)"
  case "$state" in running | degraded) break ;; esac
  sleep 1
done
echo "PID 1 in the container: $(inside cat /proc/1/comm), system state: $state"

say "deploy/install.sh $SERVER (first run)"
inside /opt/upright/app/deploy/install.sh "$SERVER" | tee "$ROOTFS.install.log"

say "checks"
units=(upright@8001.socket upright@8002.socket upright@8001.service upright@8002.service
  nginx.service postgresql.service)
for unit in "${units[@]}"; do
  [ "$(inside systemctl is-active "$unit")" = active ] || fail "$unit is not active"
  [ "$(inside systemctl is-enabled "$unit")" = enabled ] || fail "$unit is not enabled"
done
for timer in upright-backup.timer upright-restore-check.timer; do
  [ "$(inside systemctl is-active "$timer")" = active ] || fail "$timer is not active"
done
echo "active and enabled: ${units[*]}; timers active:"
inside systemctl list-timers --no-pager 'upright-*' | sed -n '1,3p'
https() { curl -sk -o /dev/null -w '%{http_code}' --resolve "$SERVER:443:127.0.0.1" \
  "https://$SERVER$1"; }
[ "$(https /health/)" = 200 ] || fail "https://$SERVER/health/ answered $(https /health/)"
[ "$(https /accounts/login/)" = 200 ] || fail "the sign-in page answered $(https /accounts/login/)"
plain="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --resolve "$SERVER:80:127.0.0.1" \
  "http://$SERVER/")"
case "$plain" in 30[18]\ https://*) ;; *) fail "plain HTTP answered: $plain" ;; esac
echo "through nginx: /health/ 200, sign-in page 200, plain HTTP -> $plain"

# Both app servers restart at once (as after an upgrade) while requests keep arriving through
# nginx: their sockets stay open, so every request waits for the new app servers and none is
# refused or answered 502. The home page (not rate-limited by nginx) sends a visitor who is not
# signed in to the sign-in page: 302 from the app.
statuses="$ROOTFS.restart-statuses"
(
  end=$((SECONDS + 15))
  while [ "$SECONDS" -lt "$end" ]; do printf '%s\n' "$(https /)"; sleep 0.05; done
) > "$statuses" &
traffic=$!
sleep 2
restart_started=$SECONDS
inside systemctl restart upright.target
restart_took=$((SECONDS - restart_started))
wait "$traffic"
answered="$(sort "$statuses" | uniq -c | awk '{printf "%s x %s, ", $1, $2}')"
total="$(grep -c . "$statuses")"
[ "$total" -gt 0 ] && [ "$(grep -cx 302 "$statuses")" = "$total" ] \
  || fail "requests during a restart of both app servers answered: $answered"
for unit in upright@8001.service upright@8002.service; do
  [ "$(inside systemctl is-active "$unit")" = active ] || fail "$unit is not active after a restart"
done
echo "both app servers restarted in ${restart_took}s; the $total requests meanwhile answered: ${answered%, }"

inside systemctl start upright-backup.service
dumps="$(inside sh -c 'ls /var/lib/upright/backups/' | tr '\n' ' ')"
case "$dumps" in *upright-*.dump*) ;; *) fail "the backup service wrote no dump" ;; esac
echo "the backup service wrote: $dumps"
inside systemctl start upright-restore-check.service \
  || fail "the restore check's service failed: $(inside journalctl -u upright-restore-check -n 20)"
inside journalctl -u upright-restore-check.service -o cat --no-pager \
  | grep -x "Restore check passed." || fail "the restore check's service did not pass"

say "deploy/install.sh $SERVER (second run: nothing to create, services restarted)"
inside /opt/upright/app/deploy/install.sh "$SERVER" > "$ROOTFS.install-again.log"
for unit in "${units[@]}"; do
  [ "$(inside systemctl is-active "$unit")" = active ] || fail "$unit is not active after a re-run"
done
[ "$(https /health/)" = 200 ] || fail "/health/ answered $(https /health/) after a re-run"
echo "all active again, /health/ 200"

say "passed: install.sh built a working HTTPS Upright on a fresh Debian 12 with systemd"
