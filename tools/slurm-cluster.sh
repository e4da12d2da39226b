#!/usr/bin/env bash
# A real Slurm 22.05 cluster on this one host, for tests, benchmarks and trying --executor slurm:
# one slurmctld and two slurmd — n1 (2 CPUs, a gpu:h100 GRES, feature x86-64-v4) and n2 (2 CPUs,
# feature x86-64-v3) — in partition "lava", own ports, state and logs under DIR, auth/none (no munge).
# Needs root and Debian's slurmctld slurmd slurm-client (tools/bootstrap.sh installs them).
#
#   tools/slurm-cluster.sh start DIR [BASE_PORT]   writes DIR/slurm.conf, starts the daemons, waits until both nodes are idle
#   tools/slurm-cluster.sh stop DIR                cancels every job, shuts the daemons down
#   export SLURM_CONF=DIR/slurm.conf               then sinfo, sbatch, lava serve --executor slurm … use it
#
# Pitfalls of 22.05 found here: a GPU GRES without File= is dropped and the node turns INVAL (so
# gres.conf names /dev/null); without NodeAddr slurmctld hangs resolving the node names; without
# SlurmdParameters=config_overrides a node configured larger than the host turns INVAL; jobs
# outlive `scontrol shutdown` (they reattach on restart), so stop cancels them first.
set -euo pipefail
command=${1:?usage: slurm-cluster.sh start|stop DIR [BASE_PORT]}
dir=$(realpath -m "${2:?usage: slurm-cluster.sh start|stop DIR [BASE_PORT]}")
export SLURM_CONF="$dir/slurm.conf"
case "$command" in
start)
  port=${3:-$((26000 + RANDOM % 900 * 3))}
  mkdir -p "$dir"/state/ctld "$dir"/state/n1 "$dir"/state/n2 "$dir"/log "$dir"/run
  cat >"$SLURM_CONF" <<CONF
ClusterName=lavatest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$dir/state/ctld
SlurmdSpoolDir=$dir/state/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MailProg=/bin/true
MinJobAge=300
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
GresTypes=gpu
NodeName=n1 NodeAddr=127.0.0.1 Port=$((port + 1)) CPUs=2 RealMemory=4000 Gres=gpu:h100:1 Feature=x86-64-v4 State=UNKNOWN
NodeName=n2 NodeAddr=127.0.0.1 Port=$((port + 2)) CPUs=2 RealMemory=4000 Feature=x86-64-v3 State=UNKNOWN
PartitionName=lava Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
CONF
  echo "NodeName=n1 Name=gpu Type=h100 File=/dev/null" >"$dir/gres.conf"
  setsid slurmctld -D -f "$SLURM_CONF" </dev/null >"$dir/log/slurmctld.out" 2>&1 &
  setsid slurmd -D -N n1 -f "$SLURM_CONF" </dev/null >"$dir/log/n1.out" 2>&1 &
  setsid slurmd -D -N n2 -f "$SLURM_CONF" </dev/null >"$dir/log/n2.out" 2>&1 &
  for _ in $(seq 1 240); do
    states=$(sinfo -h -N -o '%N=%T' 2>/dev/null | sort | tr '\n' ' ' || true)
    if [[ "$states" == "n1=idle n2=idle " ]]; then
      echo "$SLURM_CONF"
      exit 0
    fi
    sleep 0.25
  done
  echo "slurm-cluster: not idle after 60 s (sinfo: ${states:-nothing}); logs in $dir/log" >&2
  exit 1
  ;;
stop)
  [[ -f "$SLURM_CONF" ]] || exit 0
  pids=$(cat "$dir"/run/*.pid 2>/dev/null || true)
  scancel --full -p lava 2>/dev/null || true
  scontrol shutdown 2>/dev/null || true
  for _ in $(seq 1 40); do
    alive=""
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive+=" $pid"; done
    [[ -z "$alive" ]] && exit 0
    sleep 0.25
  done
  kill -9 $alive 2>/dev/null || true
  ;;
*)
  echo "usage: slurm-cluster.sh start|stop DIR [BASE_PORT]" >&2
  exit 2
  ;;
esac
