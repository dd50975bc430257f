"""Renders a chart with the Helm SDK's own install action (a client-side dry run: nothing stored,
no cluster contacted) and prints the release manifest's objects as JSON, one entry per document:
{"source": "chart/templates/x.yaml", "object": {...}}. Hooks and crds/ are not part of a release
manifest, so they do not appear.

Usage: helm_reference.py CHART_DIR RELEASE NAMESPACE VALUES_JSON
"""
import json
import sys

import helm_python
import yaml


def main() -> None:
    chart_dir, release, namespace, values = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    chart = helm_python.Chart.load(chart_dir)
    config = helm_python.Config(storage_driver="memory")
    manifest = config.install(chart, release, values, namespace=namespace, dry_run="client")["manifest"]
    entries = []
    # Helm prints each document of the manifest as "---", "# Source: <template>", then the document.
    for chunk in ("\n" + manifest).split("\n---\n"):
        document = yaml.safe_load(chunk)
        if document is None:
            continue
        sources = [line[len("# Source: "):] for line in chunk.splitlines() if line.startswith("# Source: ")]
        entries.append({"source": sources[0] if sources else "", "object": document})
    json.dump(entries, sys.stdout)


if __name__ == "__main__":
    main()
