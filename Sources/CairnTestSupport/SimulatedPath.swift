/// A path split the way the simulation stores it: absolute, no empty, "." or
/// ".." components.
struct SimulatedPath: Hashable, Sendable {
    let components: [String]

    init(_ path: String) {
        var components: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(String(component))
            }
        }
        self.components = components
    }

    private init(components: [String]) { self.components = components }

    var isRoot: Bool { components.isEmpty }
    var text: String { "/" + components.joined(separator: "/") }
    /// The containing directory; the root's parent is the root.
    var parent: SimulatedPath { SimulatedPath(components: components.dropLast()) }
    /// The last component ("" for the root).
    var name: String { components.last ?? "" }

    func appending(_ name: String) -> SimulatedPath { SimulatedPath(components: components + [name]) }

    /// Whether `self` is `ancestor` or lies below it.
    func isWithin(_ ancestor: SimulatedPath) -> Bool {
        components.count >= ancestor.components.count && Array(components.prefix(ancestor.components.count)) == ancestor.components
    }
}
