"""The notebook tour runs from a clean kernel and shows what it promises.

``notebooks/tour.ipynb`` is stored without outputs; this test executes it with nbclient
(kernel ``python3``, matplotlib's Agg backend, a temporary working directory) and checks
a few outputs: the explanation as HTML, the purchase's Mermaid fence, the chart as a PNG,
the care calendar, and segment counts equal to what the library computes here.
"""

from __future__ import annotations

import ast
import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient (test extra)")
nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat (test extra)")
pytest.importorskip("ipykernel", reason="the notebook test needs ipykernel (test extra)")
pytest.importorskip("matplotlib", reason="the notebook test needs matplotlib (test extra)")

TOUR = Path(__file__).resolve().parents[1] / "notebooks" / "tour.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    notebook = nbformat.read(TOUR, as_version=4)
    workdir = tmp_path_factory.mktemp("tour")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPLBACKEND", "Agg")
        client = nbclient.NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=120,
            resources={"metadata": {"path": str(workdir)}},
        )
        client.execute()  # raises CellExecutionError on the first failing cell
    return notebook


def outputs(notebook: Any, mime: str) -> list[str]:
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data:
                found.append(data[mime])
    return found


def test_the_stored_notebook_is_clean_and_valid() -> None:
    raw = json.loads(TOUR.read_text(encoding="utf-8"))
    notebook = nbformat.reads(json.dumps(raw), as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == []
        assert cell.execution_count is None
    assert notebook.metadata.kernelspec.name == "python3"


def test_every_cell_runs_quietly(executed: Any) -> None:
    # a failing cell already fails the fixture; here: no warning or print on stderr either
    streams = [o for c in executed.cells for o in c.get("outputs", []) if "name" in o]
    assert [o.text for o in streams if o.name == "stderr"] == []
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")


def test_the_outputs_show_no_contact_value_and_stay_small(executed: Any) -> None:
    # Jupyter stores text/plain next to every rich view: it must not carry the contacts
    # (personal data) nor dump every touchpoint of the care calendar into the file.
    from khachhang.sample import SAMPLE_AS_OF, sample_book

    texts = [
        str(v)
        for c in executed.cells
        for o in c.get("outputs", [])
        for mime, v in o.get("data", {}).items()
        if not mime.startswith("image/")
    ]
    contacts = {p.value for c in sample_book(300, as_of=SAMPLE_AS_OF) for p in c.party.contacts}
    assert contacts
    assert [v for v in contacts if any(v in t for t in texts)] == []
    assert sum(map(len, texts)) < 60_000


def test_the_care_calendar_agrees_with_its_channel_counts(executed: Any) -> None:
    agenda = [h for h in outputs(executed, "text/html") if "khachhang-agenda" in h]
    assert len(agenda) == 1
    total = re.search(r"20 điểm chạm đầu tiên trong (\d+)", agenda[0])
    assert total is not None
    counts = [t for t in outputs(executed, "text/plain") if "'Tin nhắn SMS': " in t]
    assert len(counts) == 1
    by_channel = ast.literal_eval(counts[0])[0]
    assert sum(by_channel.values()) == int(total.group(1)) > 0


def test_the_explanation_is_shown_as_html(executed: Any) -> None:
    from khachhang.segmentation import Segmenter, standard_segments

    segments = Segmenter(standard_segments(), mode="all")
    rule = segments["high_value"].rule & segments["active"].rule
    html = outputs(executed, "text/html")
    assert any(rule.describe("vi") in h and "khachhang-explain" in h for h in html)
    assert any(rule.describe("en") in h for h in html)


def test_the_segment_counts_are_the_librarys(executed: Any) -> None:
    from khachhang.sample import SAMPLE_AS_OF, sample_book
    from khachhang.segmentation import Segmenter, standard_segments

    counts = Segmenter(standard_segments(), mode="all").counts(sample_book(300), as_of=SAMPLE_AS_OF)
    shown = [t for t in outputs(executed, "text/plain") if "'high_value': " in t]
    assert shown
    assert f"'high_value': {counts['high_value']}," in shown[0]
    assert f"'b2c': {counts['b2c']}," in shown[0]


def test_the_purchase_is_drawn_as_a_mermaid_fence(executed: Any) -> None:
    fences = [m for m in outputs(executed, "text/markdown") if "```mermaid" in m]
    assert fences
    assert "stateDiagram-v2" in fences[0]
    assert "class supplier_selection current" in fences[0]


def test_the_chart_is_a_png(executed: Any) -> None:
    images = outputs(executed, "image/png")
    assert len(images) == 1
    assert base64.b64decode(images[0]).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_customer_card_and_the_care_calendar_are_shown(executed: Any) -> None:
    html = outputs(executed, "text/html")
    assert any("khachhang-card" in h and "Customer lifecycle" in h for h in html)
    assert any("Vòng đời khách hàng" in h for h in html)
    assert any("khachhang-agenda" in h and "Lịch chăm sóc khách hàng" in h for h in html)
    assert any("Quy tắc" in h and "follow-up" in h for h in html)
