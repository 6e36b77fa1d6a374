#!/usr/bin/env bash
# Upright on one Debian 12/13 host, in one command, as root, from a checkout of the project:
#
#   sudo deploy/install.sh upright.clinic.example
#
# Installs the Debian packages, creates the service user, the virtualenv, the database and its
# role, runs migrations and collectstatic, installs the systemd units and the nginx site, and
# says what to do next. Run it again at any time (after an upgrade too): every step checks
# before it changes anything. Settings live in /etc/upright/upright.env (made on the first run
# from deploy/upright.env.example); it refuses to run with debug on or without a secret key.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${UPRIGHT_ENV_FILE:-/etc/upright/upright.env}"
VENV=/opt/upright/venv
STATE_DIR=/var/lib/upright
SERVICE_USER=upright

say() { printf '\n== %s\n' "$*"; }
refuse() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

read_settings() {
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
}

is_on() { case "${1,,}" in 1|true|yes|on) return 0 ;; *) return 1 ;; esac; }

# --- Refusals first: nothing is changed on a host with an unsafe configuration. -------------
if [ -f "$ENV_FILE" ]; then
  read_settings
  if is_on "${DJANGO_DEBUG:-off}"; then
    refuse "DJANGO_DEBUG is on in $ENV_FILE: debug pages show settings and patient data. Turn it off."
  fi
  if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
    refuse "DJANGO_SECRET_KEY is empty in $ENV_FILE. Set it to a long random string, e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
  fi
elif is_on "${DJANGO_DEBUG:-off}"; then
  refuse "DJANGO_DEBUG is on in this shell: unset it before installing."
fi
[ "$(id -u)" -eq 0 ] || refuse "run as root (sudo deploy/install.sh ...)."

say "Debian packages"
export DEBIAN_FRONTEND=noninteractive
packages=(python3 python3-venv postgresql postgresql-client nginx openssl gettext-base curl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

say "Service user and folders"
id -u "$SERVICE_USER" >/dev/null 2>&1 \
  || useradd --system --home-dir "$STATE_DIR" --shell /usr/sbin/nologin "$SERVICE_USER"
install -d -m 0750 -o root -g "$SERVICE_USER" /etc/upright
install -d -m 0700 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE_DIR" "$STATE_DIR/backups"

if [ ! -f "$ENV_FILE" ]; then
  say "Settings: writing $ENV_FILE"
  server_name="${1:-$(hostname --fqdn)}"
  secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
  db_password="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
  sed -e "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$secret|" \
      -e "s|upright.clinic.example|$server_name|g" \
      -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://upright:$db_password@127.0.0.1:5432/upright|" \
      -e "s|^DJANGO_TIME_ZONE=.*|DJANGO_TIME_ZONE=$(cat /etc/timezone 2>/dev/null || echo UTC)|" \
      "$APP_DIR/deploy/upright.env.example" > "$ENV_FILE"
  chown root:"$SERVICE_USER" "$ENV_FILE"
  chmod 0640 "$ENV_FILE"
  read_settings
fi

say "Virtualenv $VENV"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet -r "$APP_DIR/requirements.txt"

say "Database and role"
db_user="$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).username)' "$DATABASE_URL")"
db_password="$(python3 -c 'import sys, urllib.parse as u; print(u.unquote(u.urlsplit(sys.argv[1]).password or ""))' "$DATABASE_URL")"
db_name="$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$DATABASE_URL")"
db_host="$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).hostname)' "$DATABASE_URL")"
if [ "$db_host" = 127.0.0.1 ] || [ "$db_host" = localhost ]; then
  pg_isready -q -h 127.0.0.1 || { systemctl enable --now postgresql; sleep 2; }
  psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
  # CREATEDB: restore_check restores each backup into a scratch database of its own.
  if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$db_user'")" != 1 ]; then
    psql_admin -c "CREATE ROLE \"$db_user\" LOGIN CREATEDB PASSWORD '$db_password'"
  else
    psql_admin -c "ALTER ROLE \"$db_user\" LOGIN CREATEDB PASSWORD '$db_password'"
  fi
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE \"$db_name\" OWNER \"$db_user\""
  fi
else
  echo "DATABASE_URL points at $db_host: create the role (LOGIN CREATEDB) and database there."
fi

manage() { (cd "$APP_DIR" && "$VENV/bin/python" manage.py "$@"); }
say "Migrations, static files, deployment checks"
manage migrate --noinput
manage collectstatic --noinput --verbosity 0
manage check --deploy --fail-level WARNING

say "TLS certificate"
if [ ! -f "$UPRIGHT_TLS_CERT" ] || [ ! -f "$UPRIGHT_TLS_KEY" ]; then
  install -d -m 0755 "$(dirname "$UPRIGHT_TLS_CERT")"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$UPRIGHT_SERVER_NAME" \
    -addext "subjectAltName=DNS:$UPRIGHT_SERVER_NAME" \
    -keyout "$UPRIGHT_TLS_KEY" -out "$UPRIGHT_TLS_CERT" 2>/dev/null
  chmod 0600 "$UPRIGHT_TLS_KEY"
  echo "A self-signed certificate is in $UPRIGHT_TLS_CERT: replace it with the clinic's own."
fi

say "systemd units"
for unit in "$APP_DIR"/deploy/systemd/*; do
  sed "s|/opt/upright/app|$APP_DIR|g" "$unit" > "/etc/systemd/system/$(basename "$unit")"
done
systemctl daemon-reload
systemctl enable --quiet upright.target upright-backup.timer upright-restore-check.timer
for port in $UPRIGHT_APP_PORTS; do
  systemctl enable --quiet "upright@$port.socket" "upright@$port.service"
done
for port in $UPRIGHT_APP_PORTS; do
  if ! systemctl is-active --quiet "upright@$port.socket"; then
    # An app server that listens on the port itself (installed before the socket units, or
    # started by hand) holds it: stop it so that the socket unit can listen there.
    systemctl stop "upright@$port.service"
    systemctl start "upright@$port.socket"
  fi
  # Restarting picks up new code and settings on a re-run; the socket unit keeps the port open
  # meanwhile, and the restart returns once the new app server is ready.
  systemctl restart "upright@$port.service"
done
systemctl start upright.target upright-backup.timer upright-restore-check.timer

say "nginx site"
UPRIGHT_HTTP_LISTEN=80 UPRIGHT_HTTPS_LISTEN=443 UPRIGHT_NGINX_LOG_DIR=/var/log/nginx \
  "$APP_DIR/deploy/nginx/render-site" > /etc/nginx/sites-available/upright
ln -sf /etc/nginx/sites-available/upright /etc/nginx/sites-enabled/upright
rm -f /etc/nginx/sites-enabled/default
nginx -t -q
systemctl enable --quiet nginx
systemctl reload-or-restart nginx

say "Health"
for _ in $(seq 1 20); do
  if curl -fsS --resolve "$UPRIGHT_SERVER_NAME:443:127.0.0.1" -k \
      "https://$UPRIGHT_SERVER_NAME/health/" >/dev/null 2>&1; then
    echo "https://$UPRIGHT_SERVER_NAME/health/ answers OK."
    break
  fi
  sleep 1
done

cat <<NEXT

Upright is installed: https://$UPRIGHT_SERVER_NAME/

Next steps:
  1. Create the first administrator (you choose the password):
       cd $APP_DIR && set -a && . $ENV_FILE && set +a && \\
       $VENV/bin/python manage.py createsuperuser
  2. Sign in at https://$UPRIGHT_SERVER_NAME/admin/: the first sign-in sets up multi-factor
     sign-in (an authenticator app, and recovery codes to keep safe). Then create staff
     accounts in their role groups.
  3. Replace the self-signed certificate with the clinic's own if one was made
     ($UPRIGHT_TLS_CERT), then: systemctl reload nginx
  4. Check the backups: systemctl list-timers 'upright-*' (nightly backup to
     $UPRIGHT_BACKUP_DIR, weekly restore check); copy that folder off this host.
NEXT
