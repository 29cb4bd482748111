import Foundation

/// Reads the agents a report lists out of a results directory's `agents.json`, a piece at a
/// time, without parsing the others: a million agents' file is most of a gigabyte, and parsed
/// whole into dictionaries it took about sixteen times that in memory.
///
/// The file is a JSON array of objects; each top-level object is found by its braces (strings
/// and their escapes followed), its `name` read from its first key (as `run` writes it; any
/// other layout is parsed to find it), and only the objects whose name is wanted are kept.
enum AgentsSelection {
    static let pieceSize = 4 << 20

    /// The objects of the agents named `wanted`, as the text of a JSON array, and the number of
    /// agents in the file.
    static func select(path: String, wanted: Set<String>) throws(ReportError) -> (json: [UInt8], total: Int) {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw ReportError("\(path): cannot be read (expected a results directory written by 'interven-sim run')")
        }
        defer { try? file.close() }
        var scanner = Scanner(wanted: wanted)
        while true {
            let piece: Data
            do { piece = try file.read(upToCount: pieceSize) ?? Data() } catch {
                throw ReportError("\(path): cannot be read: \(error)")
            }
            if piece.isEmpty { break }
            let ok = piece.withUnsafeBytes { scanner.scan(UnsafeRawBufferPointer($0)) }
            if !ok { throw ReportError("agents.json: expected a JSON array of objects") }
        }
        guard scanner.finished else { throw ReportError("agents.json: expected a JSON array of objects") }
        return (scanner.output + [UInt8(ascii: "]")], scanner.total)
    }

    /// The state of one pass over the file's bytes.
    struct Scanner {
        let wanted: Set<String>
        /// 0 before the array, 1 inside it, 2 and more inside an object; -1 after the array.
        var depth = 0
        var inString = false, escaped = false
        /// The bytes of the object being read.
        var object: [UInt8] = []
        var output: [UInt8] = [UInt8(ascii: "[")]
        var total = 0

        init(wanted: Set<String>) { self.wanted = wanted }

        var finished: Bool { depth == -1 }

        /// Scans one piece; false when the bytes are not a JSON array of objects.
        mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Bool {
            var objectStart = depth >= 2 ? 0 : -1
            for (i, b) in bytes.enumerated() {
                if inString {
                    if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch b {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    continue
                case UInt8(ascii: "\""):
                    guard depth >= 2 else { return false }
                    inString = true
                case UInt8(ascii: "["):
                    if depth == 0 { depth = 1 } else if depth >= 2 { depth += 1 } else { return false }
                case UInt8(ascii: "]"):
                    if depth == 1 { depth = -1 } else if depth >= 3 { depth -= 1 } else { return false }
                case UInt8(ascii: "{"):
                    guard depth >= 1 else { return false }
                    if depth == 1 { objectStart = i; object.removeAll(keepingCapacity: true) }
                    depth += 1
                case UInt8(ascii: "}"):
                    guard depth >= 2 else { return false }
                    depth -= 1
                    if depth == 1 {
                        object.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[objectStart...i]))
                        objectStart = -1
                        guard keep() else { return false }
                    }
                case UInt8(ascii: ","):
                    guard depth >= 1 else { return false }
                default:
                    // Numbers, true, false, null: only inside an object.
                    guard depth >= 2 else { return false }
                }
            }
            if objectStart >= 0 { object.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[objectStart...])) }
            return true
        }

        /// Counts the object just read and keeps it when its agent is wanted; false when it is
        /// not an object with a string `name`.
        private mutating func keep() -> Bool {
            total += 1
            guard let name = Self.leadingName(object) ?? Self.parsedName(object) else { return false }
            guard wanted.contains(name) else { return true }
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: object)
            return true
        }

        /// The name when it is the object's first key and has no escapes (as `run` writes it).
        static func leadingName(_ o: [UInt8]) -> String? {
            let key = Array("\"name\"".utf8)
            var i = 1
            func skipSpace() {
                while i < o.count, o[i] == 32 || o[i] == 10 || o[i] == 13 || o[i] == 9 { i += 1 }
            }
            skipSpace()
            guard i + key.count <= o.count, Array(o[i..<(i + key.count)]) == key else { return nil }
            i += key.count
            skipSpace()
            guard i < o.count, o[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < o.count, o[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var end = start
            while end < o.count, o[end] != UInt8(ascii: "\"") {
                if o[end] == UInt8(ascii: "\\") { return nil }
                end += 1
            }
            guard end < o.count else { return nil }
            return String(decoding: o[start..<end], as: UTF8.self)
        }

        /// The name of any other layout, by parsing the object.
        static func parsedName(_ o: [UInt8]) -> String? {
            ((try? JSONSerialization.jsonObject(with: Data(o))) as? [String: Any])?["name"] as? String
        }
    }
}
