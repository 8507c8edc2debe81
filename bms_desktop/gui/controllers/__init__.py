"""Controllers: widget-free ``QObject``s that hold a flow (the state, the service calls off the GUI
thread, the signals) so that windows only lay out and bind, and tests drive the flow without a
window."""
