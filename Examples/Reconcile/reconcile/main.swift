import ReconcileCommand

print("reconcile: not built yet")
