package dev.flexauth.server.hardening;

import dev.flexauth.server.FlexAuthServer;
import dev.flexauth.server.ServerConfig;
import dev.flexauth.server.ServerStartException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for {@code flex-auth serve} in subprocess tests (crash, SIGHUP, secrets in the server
 * log, a replica of the fleet killed; {@code --registry} may be a URL): the same options as the CLI's serve command, mapped onto {@link ServerConfig}, with a
 * shutdown hook that stops the server on SIGTERM and then exits 0. Exit 1 when the server cannot
 * start, 2 on a usage error.
 */
final class ServeMain {
    private static final Set<String> FLAGS = Set.of("--log-fsync", "--no-watch", "--no-sighup");

    private ServeMain() {
    }

    public static void main(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (FLAGS.contains(args[i])) {
                o.put(args[i], "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                o.put(args[i], args[++i]);
            } else {
                System.err.println("usage: ServeMain --registry R --policy P [--addr H:P] [--log F [--log-fsync]] ...; got " + args[i]);
                System.exit(2);
            }
        }
        String registry = o.get("--registry");
        ServerConfig c = (ServerConfig.RegistrySource.isUrl(registry)
                ? ServerConfig.defaults(ServerConfig.RegistrySource.of(registry), Path.of(o.get("--policy")))
                : ServerConfig.defaults(Path.of(registry), Path.of(o.get("--policy"))))
                .withWatchFiles(!o.containsKey("--no-watch"))
                .withReloadOnSighup(!o.containsKey("--no-sighup"))
                .withLogFsync(o.containsKey("--log-fsync"));
        if (o.containsKey("--addr")) {
            String a = o.get("--addr");
            int colon = a.lastIndexOf(':');
            c = c.withAddress(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
        }
        if (o.containsKey("--log")) {
            c = c.withLog(Path.of(o.get("--log")));
        }
        if (o.containsKey("--registry-signers")) {
            c = c.withRegistrySigners(Path.of(o.get("--registry-signers")));
        }
        if (o.containsKey("--instance-id")) {
            c = c.withInstanceId(o.get("--instance-id"));
        }
        if (o.containsKey("--token-file")) {
            c = c.withTokenFile(Path.of(o.get("--token-file")));
        }
        if (o.containsKey("--admin-token-file")) {
            c = c.withAdminTokenFile(Path.of(o.get("--admin-token-file")));
        }
        if (o.containsKey("--tls-keystore")) {
            c = c.withTls(Path.of(o.get("--tls-keystore")), Path.of(o.get("--tls-password-file")));
        }
        if (o.containsKey("--max-body-bytes")) {
            c = c.withMaxBodyBytes(Integer.parseInt(o.get("--max-body-bytes")));
        }
        if (o.containsKey("--worker-threads")) {
            c = c.withWorkerThreads(Integer.parseInt(o.get("--worker-threads")));
        }
        if (o.containsKey("--queue-capacity")) {
            c = c.withQueueCapacity(Integer.parseInt(o.get("--queue-capacity")));
        }
        if (o.containsKey("--read-timeout")) {
            c = c.withReadTimeout(Duration.ofSeconds(Long.parseLong(o.get("--read-timeout"))));
        }
        FlexAuthServer server;
        try {
            server = FlexAuthServer.start(c);
        } catch (ServerStartException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            // As the CLI does: a stop on SIGTERM that finished cleanly exits 0, not the JVM's 143.
            System.err.flush();
            Runtime.getRuntime().halt(0);
        }, "flex-auth-shutdown"));
        server.awaitTermination();
    }
}
