import Foundation
import MenuKnowledgeTesting

/// The production site, `nginx/menu-api.conf` as checked in, rendered to run on loopback: its ports, certificate
/// paths, socket and web root substituted and nothing else changed, inside a minimal nginx.conf.
///
/// Every substitution must find its text, so a change to the production file's shape fails the test that renders
/// it instead of leaving a stale copy tested.
struct ProductionSite {
    /// Ports on 127.0.0.1 for the plain-HTTP server (8001), the TLS server (443) and the redirect server (80).
    var httpPort: Int
    var httpsPort: Int
    var redirectPort: Int
    /// The responder nginx's upstream names (`unix:/path` or `127.0.0.1:PORT`).
    var upstream: String
    var certificatePath: String
    var keyPath: String
    /// More replacements, for a control variant of the site; each must find its text too. Defaults to none.
    var changes: [(String, String)] = []

    /// Writes `prefix/nginx.conf` and what it includes, and returns nginx's arguments for that prefix.
    func render(into prefix: String) throws -> [String] {
        let root = TestEnvironment.repositoryRoot
        var site = try String(contentsOfFile: root + "/nginx/menu-api.conf", encoding: .utf8)
        let substitutions: [(String, String)] =
            [
                ("    listen 8001;\n", "    listen 127.0.0.1:\(httpPort);\n"),
                ("    listen [::]:8001;\n", ""),
                ("    listen 443 ssl http2;\n", "    listen 127.0.0.1:\(httpsPort) ssl http2;\n"),
                ("    listen [::]:443 ssl http2;\n", ""),
                ("    listen 80;\n", "    listen 127.0.0.1:\(redirectPort);\n"),
                ("    listen [::]:80;\n", ""),
                ("/etc/letsencrypt/live/menu-api.example.com/fullchain.pem", certificatePath),
                ("/etc/letsencrypt/live/menu-api.example.com/privkey.pem", keyPath),
                ("unix:/run/menu-api/menu-api.sock", upstream),
                ("include snippets/menu-api-locations.conf;", "include menu-api-locations.conf;"),
                ("/usr/local/share/menu-api/web", root + "/web"),
            ] + changes
        for (original, replacement) in substitutions {
            guard site.contains(original) else {
                throw TestEnvironmentError(
                    description: "nginx/menu-api.conf no longer contains \(original.debugDescription)")
            }
            site = site.replacingOccurrences(of: original, with: replacement)
        }
        let files = FileManager.default
        for directory in ["logs", "tmp"] {
            try files.createDirectory(atPath: prefix + "/" + directory, withIntermediateDirectories: true)
        }
        for (source, name) in [
            ("/etc/nginx/fastcgi_params", "fastcgi_params"), ("/etc/nginx/mime.types", "mime.types"),
            (root + "/nginx/menu-api-locations.conf", "menu-api-locations.conf"),
        ] {
            try files.copyItem(atPath: source, toPath: prefix + "/" + name)
        }
        try site.write(toFile: prefix + "/menu-api.conf", atomically: true, encoding: .utf8)
        // The http context a Debian nginx.conf gives the site, with every path under the prefix.
        let main = """
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/logs/error.log warn;
            events { worker_connections 256; }
            http {
                include mime.types;
                default_type application/octet-stream;
                access_log \(prefix)/logs/access.log;
                client_body_temp_path \(prefix)/tmp/client_body;
                fastcgi_temp_path \(prefix)/tmp/fastcgi;
                proxy_temp_path \(prefix)/tmp/proxy;
                uwsgi_temp_path \(prefix)/tmp/uwsgi;
                scgi_temp_path \(prefix)/tmp/scgi;
                include menu-api.conf;
            }

            """
        try main.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        return ["-p", prefix, "-c", prefix + "/nginx.conf", "-e", prefix + "/logs/error.log", "-g", "daemon off;"]
    }
}
