@_exported import FairwayTestSupport
