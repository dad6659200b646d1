package dev.flexauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.analysis.AnalysisException;
import dev.flexauth.analysis.Search;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.json.Json;
import dev.flexauth.json.RequestJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth search}: every value of one request field that the engine allows, the other
 * fields fixed, offline and exactly (the core's {@link Search}, which the server's AuthZEN Search
 * APIs use too): "which subjects may sign as agt-state-hub-bridge".
 */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List every value of one request field that the policy allows, the other fields fixed.",
            "The candidates are the values the package and the registry name for the field (every entity key of its kind,",
            "every string the rules compare it with); each is decided by the engine. One value a line, ascending."},
        footer = {"", "Example: flex-auth search --registry R --policy P --field subject \\",
            "           --request '{\"actor\":\"agt-state-hub-bridge\",\"action\":\"ssh.sign\"}'",
            "", "Exit 0 when the search ran, whatever it found; 1 when the files, the request or the field are invalid."})
class SearchCommand implements Callable<Integer> {
    @Mixin
    EngineFiles files;

    @Option(names = "--field", required = true, paramLabel = "FIELD", description = "The string or entity field to list the allowed values of.")
    String field;

    @Option(names = "--request", paramLabel = "JSON", defaultValue = "{}",
            description = "The other fields, as for check, without --field's; a required field left out is an error. Default: {}.")
    String request;

    @Option(names = "--json", description = "Print {\"field\", \"values\", \"unlisted_allowed\"} instead of one value a line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Engine engine = files.load(spec.commandLine().getErr());
        Search search = Search.of(engine);
        Search.Result result;
        try {
            search.candidates(field); // the field is checked before the request, whose error would be less to the point
            result = search.allowed(fixed(engine), field, null, Integer.MAX_VALUE);
        } catch (AnalysisException e) {
            throw new CliFailure(e.code(), List.of("error: " + e.getMessage()));
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field", field);
            m.put("values", result.values());
            m.put("unlisted_allowed", result.othersAllowed());
            out.println(Json.write(m));
            return 0;
        }
        result.values().forEach(out::println);
        if (result.othersAllowed()) {
            out.println("(and every value the package and the registry do not name: no rule tells them apart)");
        }
        return 0;
    }

    /** The request without the searched field, read and checked like check's. */
    private Map<String, Object> fixed(Engine engine) throws Exception {
        byte[] body = request.getBytes(StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = Json.readTree(body);
        } catch (IOException e) {
            node = null; // RequestJson says what is wrong, in the words check uses
        }
        if (node instanceof ObjectNode && !node.has(field)) {
            // A placeholder for the searched field, so that a required one does not make the request invalid.
            body = Json.writeBytes(((ObjectNode) node.deepCopy()).put(field, "-"));
        }
        Request r = RequestJson.read(body, engine.policy().request());
        Map<String, Object> fixed = new LinkedHashMap<>(r.toMap());
        fixed.remove(field);
        return fixed;
    }
}
