"""The Workbench apps (ipywidgets), one module per app, and the pieces they share.

``from workbench.ui import triage; triage.app()`` shows an app; notebooks hold
nothing else. Shared pieces (language switch, safe callbacks, tables,
progress, CSS classes) are in :mod:`workbench.ui.common`. Importing this
package imports no app, so one app's import cost is not paid by the others.
"""
