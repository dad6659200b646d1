package dev.flexauth.reason;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.TestFiles;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every code family has the one shape, and every code an operator can meet is in the page that explains it. */
class CodesTest {
    private static final Map<String, Code[]> FAMILIES = Map.of(
            "docs/policy-language.md", DiagnosticCode.values(),
            "docs/registry-format.md", RegistryCode.values(),
            "docs/http-api.md", concat(RequestCode.values(), HttpError.values()));

    @Test
    void codes_are_lowercase_unique_documented_and_print_as_themselves() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Code[]> family : FAMILIES.entrySet()) {
            String page = Files.readString(TestFiles.root().resolve(family.getKey()));
            Set<String> seen = new HashSet<>();
            for (Code c : family.getValue()) {
                if (!c.code().matches("[a-z][a-z0-9_]*")) {
                    problems.add(c.code() + " is not lowercase snake case");
                }
                if (c.doc().isBlank()) {
                    problems.add(c.code() + " has no documentation line");
                }
                if (!c.toString().equals(c.code())) {
                    problems.add(c.code() + " prints as " + c);
                }
                if (!seen.add(c.code()) && !(c instanceof HttpError)) {
                    problems.add(c.code() + " appears twice in " + family.getKey());
                }
                if (!page.contains("`" + c.code() + "`")) {
                    problems.add(c.code() + " is not explained in " + family.getKey());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    private static Code[] concat(Code[] a, Code[] b) {
        List<Code> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(new Code[0]);
    }
}
