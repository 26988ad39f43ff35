#!/usr/bin/env bash
# Installs Debian's dovecot-imapd when missing, starts a throw-away Dovecot on loopback (IMAPS with a
# certificate from a CA made here, one password user, a maildir with a few messages), and writes
# test/real/.dovecot.env for test/real/dovecot.test.ts. Run as root. Safe to run again: it stops the
# instance it started last time (by that instance's own pid file) before starting a new one.
#
#   .ci/dovecot.sh          # install (if needed), start, write the env file
#   .ci/dovecot.sh stop     # stop the instance recorded in the env file
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${MAILSETUP_DOVECOT_ENV_FILE:-$ROOT/test/real/.dovecot.env}"
USER_NAME="erp@contoso.test"
PREFERRED_PORT="${MAILSETUP_DOVECOT_PORT:-10993}"

log() { echo "dovecot.sh: $*" >&2; }

stop_previous() {
  [[ -f "$ENV_FILE" ]] || return 0
  local dir pid
  dir="$(sed -n 's/^MAILSETUP_DOVECOT_DIR=//p' "$ENV_FILE")"
  [[ -n "$dir" && -f "$dir/run/master.pid" ]] || { rm -f "$ENV_FILE"; return 0; }
  pid="$(cat "$dir/run/master.pid")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    log "stopping the previous instance (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir" "$ENV_FILE"
}

if [[ "${1:-}" == "stop" ]]; then
  stop_previous
  exit 0
fi

# IMAP for the IMAP adapter; submission (SMTP with STARTTLS) for the SMTP probe.
if ! command -v dovecot >/dev/null 2>&1 || [[ ! -x /usr/lib/dovecot/submission ]]; then
  log "installing dovecot-imapd and dovecot-submissiond"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq dovecot-imapd dovecot-submissiond openssl >/dev/null
fi
command -v openssl >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq openssl >/dev/null; }

stop_previous

port_free() {
  node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen($1,'127.0.0.1',()=>s.close(()=>process.exit(0)))"
}
PORT="$PREFERRED_PORT"
if ! port_free "$PORT"; then
  PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
fi

SUBMISSION_PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

DIR="$(mktemp -d /tmp/mailsetup-dovecot.XXXXXX)"
chmod 755 "$DIR"
mkdir -p "$DIR/run" "$DIR/state" "$DIR/tls"

# A CA of our own and a server certificate for 127.0.0.1 / localhost signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=mailsetup dovecot test CA" \
  -keyout "$DIR/tls/ca.key" -out "$DIR/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$DIR/tls/server.key" -out "$DIR/tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$DIR/tls/ext.cnf"
openssl x509 -req -in "$DIR/tls/server.csr" -CA "$DIR/tls/ca.pem" -CAkey "$DIR/tls/ca.key" -CAcreateserial -days 7 \
  -extfile "$DIR/tls/ext.cnf" -out "$DIR/tls/server.pem" 2>/dev/null
chmod 600 "$DIR/tls/server.key" "$DIR/tls/ca.key"

PASSWORD="dovecot-$(openssl rand -hex 12)"
printf '%s:{PLAIN}%s::::::\n' "$USER_NAME" "$PASSWORD" >"$DIR/passwd"
chmod 640 "$DIR/passwd"
chgrp dovecot "$DIR/passwd" 2>/dev/null || true

# Mail belongs to nobody (uid/gid 65534): Dovecot will not run mail processes as root.
MAILDIR="$DIR/home/$USER_NAME/Maildir"
mkdir -p "$MAILDIR"/{new,cur,tmp}
message() { # file, date, subject, message-id, seen-token header (optional)
  {
    printf 'Return-Path: <customer@fabrikam.test>\r\n'
    printf 'From: Customer <customer@fabrikam.test>\r\n'
    printf 'To: sales@contoso.test\r\n'
    printf 'Date: %s\r\n' "$2"
    printf 'Subject: %s\r\n' "$3"
    printf 'Message-ID: %s\r\n' "$4"
    [[ -n "${5:-}" ]] && printf 'X-Mailsetup-Test: %s\r\n' "$5"
    printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
    printf 'Hello, please send us a quote.\r\n'
  } >"$1"
}
OLD_DATE="$(date -u -d '2 days ago' '+%a, %d %b %Y %H:%M:%S +0000')"
NOW_DATE="$(date -u '+%a, %d %b %Y %H:%M:%S +0000')"
message "$MAILDIR/new/1000000001.M1P1.mailsetup" "$OLD_DATE" "Request for quote (stuck)" "<stuck-1@fabrikam.test>"
touch -d '2 days ago' "$MAILDIR/new/1000000001.M1P1.mailsetup"
message "$MAILDIR/new/1000000002.M2P1.mailsetup" "$NOW_DATE" "[mailsetup-test dovecot-token-1]" "<dovecot-token-1@mailsetup.invalid>" "dovecot-token-1"
message "$MAILDIR/cur/1000000000.M0P1.mailsetup:2,S" "$OLD_DATE" "Already read" "<read-1@fabrikam.test>"
touch -d '3 days ago' "$MAILDIR/cur/1000000000.M0P1.mailsetup:2,S"
chown -R 65534:65534 "$DIR/home"

DH=""
[[ -f /usr/share/dovecot/dh.pem ]] && DH="ssl_dh = </usr/share/dovecot/dh.pem"
cat >"$DIR/dovecot.conf" <<CONF
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
protocols = imap submission
hostname = localhost
# The submission service relays accepted mail here; the tests never complete a transaction.
submission_relay_host = 127.0.0.1
submission_relay_port = 9
listen = 127.0.0.1
ssl = required
ssl_cert = <$DIR/tls/server.pem
ssl_key = <$DIR/tls/server.key
$DH
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_verbose = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$DIR/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $PORT
    ssl = yes
  }
}
service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = $SUBMISSION_PORT
  }
}
CONF

# Detached from our stdio: the daemon would otherwise hold a caller's pipe open (`.ci/dovecot.sh | tee`).
dovecot -c "$DIR/dovecot.conf" </dev/null >>"$DIR/dovecot.log" 2>&1
for _ in $(seq 1 50); do
  if ! port_free "$PORT"; then break; fi
  sleep 0.1
done
port_free "$PORT" && { log "Dovecot did not start listening on $PORT; see $DIR/dovecot.log"; cat "$DIR/dovecot.log" >&2 || true; exit 1; }

mkdir -p "$(dirname "$ENV_FILE")"
cat >"$ENV_FILE" <<ENV
MAILSETUP_DOVECOT_HOST=127.0.0.1
MAILSETUP_DOVECOT_PORT=$PORT
MAILSETUP_DOVECOT_SUBMISSION_PORT=$SUBMISSION_PORT
MAILSETUP_DOVECOT_USER=$USER_NAME
MAILSETUP_DOVECOT_PASSWORD=$PASSWORD
MAILSETUP_DOVECOT_CA=$DIR/tls/ca.pem
MAILSETUP_DOVECOT_DIR=$DIR
MAILSETUP_DOVECOT_VERSION=$(dovecot --version | cut -d' ' -f1)
ENV
chmod 600 "$ENV_FILE"
log "Dovecot $(dovecot --version | cut -d' ' -f1) listening on 127.0.0.1:$PORT (IMAPS) and :$SUBMISSION_PORT (submission, STARTTLS); env in $ENV_FILE"
grep -v PASSWORD "$ENV_FILE"
