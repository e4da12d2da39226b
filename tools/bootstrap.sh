#!/usr/bin/env bash
# Installs the Debian packages LavaAccel needs. Idempotent, and fast when everything is present
# (one dpkg query, no apt-get). Usage: tools/bootstrap.sh [--quiet]
set -euo pipefail

packages=(
  clang-15 clang-19 llvm-19 llvm-19-dev lld-19 libclc-19   # front ends, LLVM 19 (libLLVM), linker, NVPTX builtins
  qemu-user libc6-dev-arm64-cross                          # AArch64 variants under qemu-user
  pocl-opencl-icd ocl-icd-opencl-dev clinfo                # PoCL: the peer in benchmarks, OpenCL backend
  llvm-spirv-15 spirv-tools                                # opencl/spirv: SPIR-V translator and validator
  runc bubblewrap iproute2                                 # sandbox drivers (ip: the container's loopback down)
  afl++                                                    # fuzzing (tools/fuzz.sh, with SharpFuzz)
  slurmctld slurmd slurm-client                            # a real Slurm cluster for the --executor slurm tests
  python3-grpcio python3-grpc-tools python3-protobuf      # the Python client example and its test
  fonts-dejavu-core                                        # the font of lava bench's charts (ScottPlot)
  chromium                                                 # the browser the web dashboard's tests drive (Playwright)
  make python3
)
quiet=${1:-}
# One dpkg-query for every package (each lava call runs this; 20 separate queries took 1-2 s).
installed=" $(dpkg-query -W -f='${db:Status-Status}=${Package} ' "${packages[@]}" 2>/dev/null || true) "
missing=()
for p in "${packages[@]}"; do
  [[ "$installed" == *" installed=$p "* ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  [[ "$quiet" == "--quiet" ]] || echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi
echo "bootstrap: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
echo "bootstrap: done" >&2
