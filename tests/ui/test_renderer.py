"""Drawing on a worker: a view that goes away mid-job ends its worker without an error."""
import threading

from ui.renderer import Renderer


def test_a_view_deleted_while_its_drawing_runs_ends_the_worker_quietly(qtbot):
    import shiboken6
    from PySide6.QtWidgets import QWidget

    view = QWidget()
    renderer = Renderer("gone", parent=view)
    started, release, errors = threading.Event(), threading.Event(), []
    hook, threading.excepthook = threading.excepthook, lambda args: errors.append(args.exc_value)
    try:
        renderer.submit("job", lambda: started.set() or release.wait(2) and "drawn")
        assert started.wait(2)
        worker = renderer._thread
        shiboken6.delete(view)  # the renderer's Qt side goes with its view
        release.set()
        worker.join(2)
        assert not worker.is_alive()
        assert errors == []
    finally:
        threading.excepthook = hook
