/// Placeholder until the reconcile command lands (issue 4).
public enum ReconcileCommand {}
