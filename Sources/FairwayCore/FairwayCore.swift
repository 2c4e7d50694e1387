/// FairwayCore is the small vocabulary every pipeline stage shares and none owns: the ordered JSON
/// object tree (`JSONValue`) that desired and live objects are made of, its canonical reader and writer,
/// object identity (`ObjectKey`), what Fairway knows per kind (`KindFacts`: apply order, phase, readiness wait, rendered kinds), Kubernetes quantities, and
/// compiler-style diagnostics that name a file, line and column. It depends on nothing but Foundation.
public enum FairwayCoreModule {}
