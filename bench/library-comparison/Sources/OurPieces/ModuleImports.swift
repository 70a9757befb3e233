// TraceParent.swift relies on Foundation being imported elsewhere in its module (as it is in
// GameMetricsKit) for trimmingCharacters(in:).
import Foundation
