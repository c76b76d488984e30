"""The draft keeper's browser half and server half fingerprint text the same way (the browser drops its copy
only when the fingerprints match)."""

import json
import shutil
import subprocess

import pytest

from views import _draft_keeper as draft_keeper

SAMPLES = ["", "Plain words.", "Zoë’s “group” ✓ 数学 🙂\nsecond line", "a" * 50_000]


def test_python_and_javascript_fingerprints_agree_on_any_text():
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = draft_keeper.JS_FILE.as_uri()
    result = subprocess.run(
        ["node", "--input-type=module", "-e",
         "globalThis.window = {}; const { fingerprint } = await import(process.argv[1]);"
         "const texts = JSON.parse(process.argv[2]); console.log(JSON.stringify(texts.map(fingerprint)));",
         script, json.dumps(SAMPLES)],
        capture_output=True, text=True, check=True, timeout=60,
    )
    assert json.loads(result.stdout) == [draft_keeper.fingerprint(text) for text in SAMPLES]
    assert len(set(json.loads(result.stdout))) == len(SAMPLES)
