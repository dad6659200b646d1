package dev.flexauth.cli;

import dev.flexauth.analysis.GrantDiff;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.json.Json;
import dev.flexauth.policy.Example;
import dev.flexauth.server.FlexAuthServer;
import dev.flexauth.server.EarlyLoad;
import dev.flexauth.server.ServerConfig;
import dev.flexauth.server.ServerStartException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth cds-training} (hidden): walks every command's code path once (load, check,
 * explain, examples, JSON, help text, and a server on a loopback port answering /healthz and
 * /v1/check), so that {@code bin/flex-auth} can record the classes they load in its
 * class-data-sharing archive with {@code -XX:ArchiveClassesAtExit}. Prints nothing of its own (the
 * server logs its start and stop on stderr, which the launcher discards).
 */
@Command(name = "cds-training", hidden = true,
        description = "Load every class the commands use, for bin/flex-auth's class-data-sharing archive.")
final class CdsTrainingCommand implements Callable<Integer> {
    @Option(names = "--registry", required = true, paramLabel = "SNAPSHOT")
    Path registry;

    @Option(names = "--policy", required = true, paramLabel = "POLICY")
    Path policy;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StringWriter sink = new StringWriter();
        PrintWriter discard = new PrintWriter(sink);
        Engine engine = Inputs.engine(registry, policy, discard);
        engine.runExamples();
        for (Example e : engine.policy().examples()) {
            Decision d = engine.explain(Request.of(engine.policy().request(), e.request()));
            discard.print(CheckCommand.human(d, policy.toString()));
            DecisionJson.envelope(d);
        }
        GrantDiff.between(engine, engine, Long.MAX_VALUE);
        discard.print(spec.root().commandLine().getUsageMessage());
        // serve's path as an operator runs it: with its early load and preloading, and a decision log (in a file deleted after).
        EarlyLoad.start(new String[] {"serve", "--registry", registry.toString(), "--policy", policy.toString()});
        Path log = Files.createTempFile("flex-auth-cds-training", ".jsonl");
        ServerConfig config = ServerConfig.defaults(registry, policy).withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withLog(log);
        FlexAuthServer server;
        try {
            server = FlexAuthServer.start(config);
        } catch (RuntimeException | ServerStartException e) {
            Files.deleteIfExists(log);
            throw e;
        }
        try {
            InetSocketAddress at = server.address();
            exchange(at, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            Example first = engine.policy().examples().isEmpty() ? null : engine.policy().examples().get(0);
            if (first != null) {
                byte[] body = Json.writeBytes(first.request());
                exchange(at, "POST /v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + new String(body, StandardCharsets.UTF_8));
            }
        } finally {
            server.close();
            Files.deleteIfExists(log);
        }
        return 0;
    }

    private static void exchange(InetSocketAddress at, String request) throws IOException {
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            in.transferTo(new ByteArrayOutputStream());
        }
    }
}
