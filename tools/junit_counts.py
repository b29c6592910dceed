"""Print "<passed> <failed>" from a pytest JUnit XML report (0 0 when there is none)."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def counts(path):
    if not Path(path).exists():
        return 0, 0
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed


if __name__ == "__main__":
    print(*counts(sys.argv[1]))
