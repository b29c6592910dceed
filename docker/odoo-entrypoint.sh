#!/bin/bash
# Entry point of the odoo service in docker-compose.yml: the official odoo:18.0 image, plus the
# suite's own Python dependencies (requirements.txt) installed once into the data volume.
set -e
target=/var/lib/odoo/chain-python
stamp="$target/.requirements.sha256"
wanted="$(sha256sum /mnt/chain/requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    pip3 install --quiet --no-cache-dir --target "$target" -r /mnt/chain/requirements.txt
    echo "$wanted" > "$stamp"
fi
export PYTHONPATH="$target${PYTHONPATH:+:$PYTHONPATH}"
exec /entrypoint.sh "$@"
