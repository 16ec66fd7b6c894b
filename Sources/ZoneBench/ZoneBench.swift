/// Placeholder: the benchmark library (issue 7).
public enum ZoneBench {}
