"""What the bundle leaves out (packaging/configurator.spec EXCLUDES) the program never needs:
every module imports, and both JPEG decoders work, with numpy and simplejpeg unavailable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib.abc, json, sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {portable!r})

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("numpy", "simplejpeg"):
            raise ModuleNotFoundError(f"No module named {{name!r}} (left out of the bundle)")
        return None

sys.meta_path.insert(0, Blocker())
from no_unix_probe import import_everything
failures = import_everything()
import io
from PIL import Image
from configurator.live.decode import decode_rgb
from configurator.ui.live.qt_decode import decode_qimage
out = io.BytesIO()
Image.new("RGB", (320, 240), (200, 40, 10)).save(out, "JPEG")
sizes = [list(decode(out.getvalue(), (160, 120))[0].__dict__[k] for k in ("width", "height"))
         for decode in (decode_rgb, decode_qimage)]
print(json.dumps({{"failures": failures, "sizes": sizes,
                  "loaded": sorted(m for m in ("numpy", "simplejpeg") if m in sys.modules)}}))
"""


def test_the_program_runs_without_numpy_and_simplejpeg() -> None:
    code = PROBE.format(root=str(ROOT), portable=str(ROOT / "tests" / "portable"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["failures"] == {}
    assert report["sizes"] == [[160, 120], [160, 120]]
    assert report["loaded"] == []
