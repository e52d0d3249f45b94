import Foundation

extension Theme {
    /// The default theme, built in.
    public static let dark = builtIn("dark")
    public static let light = builtIn("light")
    public static let highContrast = builtIn("high-contrast")
    /// Attributes only; also the styles used on terminals without colour.
    public static let monochrome = builtIn("monochrome")

    /// The themes shipped with spendtop, default first.
    public static let builtIns: [Theme] = [dark, light, highContrast, monochrome]

    private static func builtIn(_ name: String) -> Theme {
        let source = BuiltInThemeSources.all.first { $0.name == name }!
        // The built-in texts are the shipped theme files, which the tests parse as well.
        return try! ThemeParser.parse(source.text, name: name)
    }
}

/// The themes `t` cycles through: the built-in ones, replaced or joined by `*.theme` files.
public struct ThemeCatalog: Sendable {
    public private(set) var themes: [Theme]
    /// Theme files that failed to parse; they are left out of `themes`.
    public private(set) var errors: [ThemeParseError]

    /// Returns the folders searched for `*.theme` files, where the first match of a name wins:
    /// `$XDG_CONFIG_HOME/spendtop/themes` (or `~/.config/spendtop/themes`), the nearest `Themes`
    /// folder above the executable, and `./Themes`.
    public static func searchDirectories(environment: [String: String], executablePath: String, currentDirectory: String) -> [String] {
        var directories: [String] = []
        if let configHome = environment["XDG_CONFIG_HOME"], !configHome.isEmpty {
            directories.append(configHome + "/spendtop/themes")
        } else if let home = environment["HOME"], !home.isEmpty {
            directories.append(home + "/.config/spendtop/themes")
        }
        var folder = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            let candidate = folder.appendingPathComponent("Themes").path
            if isDirectory(candidate) {
                directories.append(candidate)
                break
            }
            folder = folder.deletingLastPathComponent()
        }
        directories.append(currentDirectory + "/Themes")
        var unique: [String] = []
        for directory in directories where !unique.contains(directory) {
            unique.append(directory)
        }
        return unique
    }

    /// Loads every `*.theme` file in `directories`; a missing folder is skipped.
    public init(directories: [String]) {
        var found: [String: Theme] = [:]
        var order: [String] = []
        var errors: [ThemeParseError] = []
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".theme") {
                let path = directory + "/" + file
                switch Self.load(path: path) {
                case .success(let theme):
                    if found[theme.name] == nil {
                        found[theme.name] = theme
                        order.append(theme.name)
                    }
                case .failure(let error):
                    errors.append(error)
                }
            }
        }
        var themes = Theme.builtIns.map { found[$0.name] ?? $0 }
        for name in order where !themes.contains(where: { $0.name == name }) {
            themes.append(found[name]!)
        }
        self.themes = themes
        self.errors = errors
    }

    public init(themes: [Theme]) {
        self.themes = themes.isEmpty ? Theme.builtIns : themes
        self.errors = []
    }

    /// Returns the index of the theme called `name`, or nil.
    public func index(of name: String) -> Int? {
        themes.firstIndex { $0.name == name }
    }

    /// Reads the theme file at `path`, named after the file unless it has a `name =` line.
    public static func load(path: String) -> Result<Theme, ThemeParseError> {
        let fileName = URL(fileURLWithPath: path).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return .failure(ThemeParseError(source: path, line: 0, message: "cannot read the theme file; check that it exists and is UTF-8 text."))
        }
        let name = fileName.hasSuffix(".theme") ? String(fileName.dropLast(6)) : fileName
        do {
            var theme = try ThemeParser.parse(text, name: name)
            if theme.name.isEmpty { theme.name = name }
            return .success(theme)
        } catch {
            return .failure(ThemeParseError(source: path, line: error.line, message: error.message))
        }
    }

    /// Adds `theme`, or replaces the one of the same name, and returns its index.
    public mutating func insert(_ theme: Theme) -> Int {
        if let index = index(of: theme.name) {
            themes[index] = theme
            return index
        }
        themes.append(theme)
        return themes.count - 1
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
