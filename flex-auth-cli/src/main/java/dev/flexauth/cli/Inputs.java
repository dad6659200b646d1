package dev.flexauth.cli;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.RequestJson;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.registry.SignersException;
import dev.flexauth.registry.SnapshotSigners;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/** Loading what commands take from files and stdin, the same way the server does. */
final class Inputs {
    /** A request body on stdin larger than this is refused: requests are a handful of fields. */
    static final int MAX_REQUEST_BYTES = 1 << 20;

    private Inputs() {
    }

    /** The engine for the pair, validated as the server validates it; the policy's warnings go to {@code err}. */
    static Engine engine(Path registry, Path policy, PrintWriter err) throws LoadException {
        Engine engine = EngineLoader.defaults().load(registry, policy);
        warnings(engine.policy(), err);
        return engine;
    }

    /** As {@link #engine(Path, Path, PrintWriter)}, requiring the snapshot's signature when {@code signers} is given. */
    static Engine engine(Path registry, Path policy, Path signers, PrintWriter err) throws LoadException, CliFailure {
        if (signers == null) {
            return engine(registry, policy, err);
        }
        Engine engine = EngineLoader.defaults().withSigners(signers(signers), Clock.systemUTC()).load(registry, policy);
        warnings(engine.policy(), err);
        return engine;
    }

    /** The allowed_signers file of {@code --registry-signers}, or every bad line of it as a failure. */
    static SnapshotSigners signers(Path file) throws CliFailure {
        try {
            return SnapshotSigners.read(file);
        } catch (SignersException e) {
            throw new CliFailure("invalid_signers", e.problems().stream().map(p -> "--registry-signers " + p).toList());
        }
    }

    static void warnings(PolicyPackage policy, PrintWriter err) {
        policy.warnings().forEach(w -> err.println(w));
    }

    /** The request from {@code json}, or from {@code stdin} when {@code json} is null. */
    static Request request(String json, InputStream stdin, Engine engine) throws RequestException, IOException, CliFailure {
        byte[] body;
        if (json != null) {
            body = json.getBytes(StandardCharsets.UTF_8);
        } else {
            body = stdin.readNBytes(MAX_REQUEST_BYTES + 1);
            if (body.length > MAX_REQUEST_BYTES) {
                throw new CliFailure("body_too_large", "error: the request on stdin is larger than "
                        + MAX_REQUEST_BYTES + " bytes; a request is one JSON object with the fields "
                        + String.join(", ", engine.policy().request().names()));
            }
        }
        return RequestJson.read(body, engine.policy().request());
    }
}
