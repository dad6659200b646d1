package dev.flexauth.deploy;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instructions of a Containerfile (Dockerfile syntax) grouped by build stage: continuation
 * lines joined, comments and parser directives dropped. Enough to check what the image runs;
 * not a full Dockerfile parser (no variable expansion, no heredocs).
 */
record Containerfile(List<Stage> stages) {
    /** One instruction: its keyword in upper case and the rest of the line, continuations joined. */
    record Instruction(String keyword, String args, int line) {
        /** The exec-form (JSON array) arguments, e.g. of ENTRYPOINT or CMD. */
        List<String> execForm() {
            try {
                JsonNode array = TestJson.MAPPER.readTree(args);
                if (!array.isArray()) {
                    throw new AssertionError("line " + line + ": expected the exec form [\"...\"] but found " + args);
                }
                List<String> items = new ArrayList<>();
                array.forEach(n -> items.add(n.asText()));
                return items;
            } catch (IOException e) {
                throw new AssertionError("line " + line + ": expected the exec form [\"...\"] but found " + args, e);
            }
        }

        /** The whitespace-separated words of the arguments. */
        List<String> words() {
            return List.of(args.trim().split("\\s+"));
        }
    }

    /** A build stage: its FROM image, its name ({@code AS name}, or empty) and its instructions. */
    record Stage(String image, String name, List<Instruction> instructions) {
        Stage {
            instructions = List.copyOf(instructions);
        }

        /** The stage's instructions with {@code keyword}. */
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The last instruction with {@code keyword} (the one in effect), failing if there is none. */
        Instruction last(String keyword) {
            List<Instruction> all = all(keyword);
            if (all.isEmpty()) {
                throw new AssertionError("stage " + image + ": expected a " + keyword + " instruction but found none");
            }
            return all.get(all.size() - 1);
        }
    }

    Containerfile {
        stages = List.copyOf(stages);
    }

    static Containerfile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        String image = null;
        String name = null;
        StringBuilder pending = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending == null)) {
                continue;
            }
            if (pending == null) {
                pending = new StringBuilder();
                start = i + 1;
            }
            boolean continues = trimmed.endsWith("\\");
            pending.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (continues) {
                continue;
            }
            String text = pending.toString().trim();
            pending = null;
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String args = space < 0 ? "" : text.substring(space + 1).trim();
            if (keyword.equals("FROM")) {
                if (current != null) {
                    stages.add(new Stage(image, name, current));
                }
                List<String> words = List.of(args.split("\\s+"));
                image = words.stream().filter(w -> !w.startsWith("--")).findFirst().orElseThrow();
                int as = words.stream().map(w -> w.toUpperCase(Locale.ROOT)).toList().indexOf("AS");
                name = as >= 0 && as + 1 < words.size() ? words.get(as + 1) : "";
                current = new ArrayList<>();
            } else if (current == null) {
                throw new AssertionError(file + ":" + start + ": expected FROM before " + keyword);
            } else {
                current.add(new Instruction(keyword, args, start));
            }
        }
        if (current != null) {
            stages.add(new Stage(image, name, current));
        }
        return new Containerfile(stages);
    }

    /** The stage the image is made of: the last one. */
    Stage runtime() {
        return stages.get(stages.size() - 1);
    }
}
