#!/usr/bin/env bash
# setup.sh -- Gradescope runs this once, as root, when it builds the
# autograder's image: it installs what heaplab needs and builds the grader.
# (docs/grading.md, "Gradescope")
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends make gcc libc6-dev >/dev/null
cd /autograder/source/heaplab
make bin/heaplab build/grading/link.txt # installs the remaining packages
