#!/usr/bin/env bash
# A private single-node Slurm cluster for the tests: munged, slurmctld and slurmd from Debian's
# packages (munge, slurmctld, slurmd, slurm-client), run as the calling user (root in CI) with
# every file, socket, port and log under one scratch folder. Nothing in /etc is read or written:
# the clients find the cluster through SLURM_CONF, and Slurm finds munged through
# AuthInfo=socket=... . Source this file, then:
#   slurm_cluster_start DIR   # starts the daemons, waits until the node is idle; exports SLURM_CONF
#   slurm_cluster_stop DIR    # stops them (also safe after a failed start)
# Both fail loudly (non-zero) with the daemons' logs on stderr: a test that needs the cluster
# must fail, never skip, when it cannot start.

slurm_cluster_log() { echo "slurm_cluster: $*" >&2; }

slurm_cluster_dump_logs() {
  local dir="$1" f
  for f in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [[ -f "$f" ]] || continue
    echo "---- $f (last 30 lines)" >&2
    tail -n 30 "$f" >&2
  done
}

# A TCP port nothing listens on, from a range unlikely to be used (tests may run in parallel:
# the caller passes an offset).
slurm_cluster_free_port() {
  local port="$1"
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

slurm_cluster_start() {
  local dir="$1" tool
  for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol; do
    if ! command -v "$tool" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$tool" ]]; then
      slurm_cluster_log "missing $tool: install the Debian packages munge slurmctld slurmd" \
        "slurm-client (bash .ci/deps --test does)"
      return 1
    fi
  done
  export PATH="$PATH:/usr/sbin"
  rm -rf "$dir" && mkdir -p -m 700 "$dir" "$dir/state" "$dir/spool" "$dir/munge" || return 1
  # munged insists on a private key and socket folder; root needs --force.
  mungekey --create --keyfile="$dir/munge/munge.key" --bits=1024 >/dev/null 2>&1 ||
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  local force=()
  [[ $(id -u) -eq 0 ]] && force=(--force)
  if ! munged "${force[@]}" --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munged.log" \
    --seed-file="$dir/munge/munged.seed"; then
    slurm_cluster_log "munged did not start"
    slurm_cluster_dump_logs "$dir"
    return 1
  fi
  local host user cpus ctld_port slurmd_port
  host="$(hostname -s)"
  user="$(id -un)"
  cpus="$(nproc)"
  ctld_port="$(slurm_cluster_free_port 16817)"
  slurmd_port="$(slurm_cluster_free_port $((ctld_port + 1)))"
  cat >"$dir/slurm.conf" <<CONF
ClusterName=nnadctest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
MaxArraySize=1001
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=nnadc Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  if ! slurmctld -f "$SLURM_CONF" -i; then
    slurm_cluster_log "slurmctld did not start"
    slurm_cluster_dump_logs "$dir"
    return 1
  fi
  if ! slurmd -f "$SLURM_CONF"; then
    slurm_cluster_log "slurmd did not start"
    slurm_cluster_dump_logs "$dir"
    return 1
  fi
  local i state
  for i in $(seq 1 60); do
    state="$(sinfo -h -o %T 2>/dev/null | head -1)"
    [[ "$state" == "idle" ]] && { slurm_cluster_log "up: node $host idle, $cpus CPUs"; return 0; }
    sleep 1
  done
  slurm_cluster_log "the node did not become idle in 60 s (state '$state')"
  slurm_cluster_dump_logs "$dir"
  return 1
}

slurm_cluster_stop() {
  local dir="$1" pidfile pid
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    [[ -n "$pid" ]] || continue
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  return 0
}
