#!/usr/bin/env bash
# Test a checkpoint with NGPUS processes per node, launched by torchrun.
#   tools/dist_test.sh CONFIG CHECKPOINT NGPUS [test.py ARGS...]
# Several nodes: run it on each with NNODES, NODE_RANK (0..NNODES-1),
# MASTER_ADDR (node 0's address) and PORT set alike. On a machine without a
# GPU it runs NGPUS CPU processes (gloo backend), unchanged.
# PORT=0 (one node): torchrun binds a free port itself and hands it to the
# processes (--standalone), so two jobs on one machine cannot collide.
set -euo pipefail

CONFIG=$1
CHECKPOINT=$2
GPUS=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "$PORT" = 0 ] && [ "$NNODES" = 1 ]; then
    RENDEZVOUS=(--standalone)
else
    RENDEZVOUS=(--nnodes="$NNODES" --node_rank="$NODE_RANK"
        --master_addr="$MASTER_ADDR" --master_port="$PORT")
fi

# `python -m torch.distributed.run` is torchrun, run by this `python`.
PYTHONPATH="$(dirname "$TOOLS")${PYTHONPATH:+:$PYTHONPATH}" \
python -m torch.distributed.run \
    "${RENDEZVOUS[@]}" \
    --nproc_per_node="$GPUS" \
    "$TOOLS/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
