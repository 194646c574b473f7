# Sourced by .ci/run: install Debian's PostgreSQL, start a cluster for the store tests on a free port on
# 127.0.0.1, create their database and user, and export CELLBENCH_TEST_POSTGRES_URL.
# Safe to run again on the same machine: an existing cluster, user and database are reused.
cellbench_pg_setup() {
  local cluster=cellbench_ci user=cellbench password=cellbench database=cellbench_test
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "ci: not root and no sudo: cannot install PostgreSQL; its half of the store tests will be skipped" >&2
      return 0
    fi
  fi
  if ! dpkg -s postgresql >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null; then
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y postgresql
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  local port
  port=$(pg_lsclusters --no-header 2>/dev/null | awk -v c="$cluster" -v v="$version" '$1==v && $2==c {print $3}')
  if [ -z "$port" ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    $sudo pg_createcluster "$version" "$cluster" -p "$port" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    $sudo sh -c "echo \"listen_addresses = '127.0.0.1'\" >> /etc/postgresql/$version/$cluster/postgresql.conf"
  fi
  if ! pg_lsclusters --no-header | awk -v c="$cluster" -v v="$version" '$1==v && $2==c {print $4}' | grep -q online; then
    $sudo pg_ctlcluster "$version" "$cluster" start
  fi
  local psql="$sudo runuser -u postgres -- psql -p $port -v ON_ERROR_STOP=1 -qtA"
  [ -n "$($psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" ] \
    || $psql -c "CREATE ROLE $user LOGIN PASSWORD '$password'"
  [ -n "$($psql -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ] \
    || $psql -c "CREATE DATABASE $database OWNER $user"
  export CELLBENCH_TEST_POSTGRES_URL="postgresql://$user:$password@127.0.0.1:$port/$database"
  echo "ci: PostgreSQL $version cluster $cluster on 127.0.0.1:$port for the store tests"
}
cellbench_pg_setup
