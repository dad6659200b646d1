package dev.flexauth.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.flexauth.io.FileDigest;
import dev.flexauth.io.RegularFile;
import dev.flexauth.io.RegularFileException;
import dev.flexauth.reason.RegistryCode;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads and validates registry snapshots (format {@value #FORMAT}, version {@value #FORMAT_VERSION};
 * see {@code docs/registry-format.md}). Reports every problem with its JSON path, refuses
 * duplicate members, trailing content, wrong types and, when given a {@link RegistrySchema},
 * missing and undeclared kinds and attributes. Input beyond the configured limits is refused
 * before it is buffered. Built once by {@link #builder()}; immutable and thread-safe.
 */
public final class RegistryLoader {
    /** The value of the snapshot's {@code format} member. */
    public static final String FORMAT = "flex-auth/registry";
    /** The snapshot format version this loader reads. */
    public static final int FORMAT_VERSION = 1;

    private static final int MAX_DEPTH = 16;
    /** The longest attribute string, in characters. */
    static final int MAX_STRING_LENGTH = 65_536;

    private final RegistrySchema schema;
    private final long maxBytes;
    private final int maxEntities;
    private final int maxProblems;
    private final JsonFactory factory;

    private RegistryLoader(Builder b) {
        this.schema = b.schema;
        this.maxBytes = b.maxBytes;
        this.maxEntities = b.maxEntities;
        this.maxProblems = b.maxProblems;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH * 4)
                        .maxNumberLength(64)
                        .build())
                .build();
        factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /** A loader with default limits and no schema. */
    public static RegistryLoader defaults() {
        return builder().build();
    }

    /** A builder; defaults: no schema, 512 MiB, 10,000,000 entities, 200 problems reported. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the snapshot in {@code file}, which must be a regular file (or a symlink to one): a
     * FIFO, device or directory is refused before it is opened, and the read is bounded by the size
     * limit and {@link RegularFile#DEFAULT_DEADLINE}.
     */
    public Registry load(Path file) throws RegistryException {
        return load(file, null);
    }

    /**
     * As {@link #load(Path)}, and takes the SHA-256 of the file's bytes into {@code bytes} (if not
     * null) on the thread that reads them, reading the file to its end even past a problem of the
     * JSON: a server that fingerprints its registry file to see changes gets the fingerprint of
     * exactly the bytes it loaded, refused or not, without reading them twice.
     */
    public Registry load(Path file, FileDigest bytes) throws RegistryException {
        Objects.requireNonNull(file, "file is null; pass the path of a registry snapshot (JSON)");
        String name = file.toString();
        List<FileDigest> taps = bytes == null ? List.of() : List.of(bytes);
        try (InputStream in = RegularFile.open(file, maxBytes, RegularFile.DEFAULT_DEADLINE, taps)) {
            try {
                return load(in, name);
            } finally {
                if (bytes != null) {
                    drain(in);
                }
            }
        } catch (RegularFileException e) {
            throw e.kind() == RegularFileException.Kind.TOO_LARGE ? tooLarge(name, e.size())
                    : single(name, RegistryCode.UNREADABLE, e.getMessage());
        } catch (IOException e) {
            throw single(name, RegistryCode.UNREADABLE, "cannot read " + name + ": " + e.getMessage());
        }
    }

    /** Loads the snapshot in {@code json}; {@code name} labels it in messages. */
    public Registry load(byte[] json, String name) throws RegistryException {
        Objects.requireNonNull(json, "json is null; pass the snapshot's UTF-8 bytes");
        Objects.requireNonNull(name, "name is null; pass the name messages should give the snapshot");
        if (json.length > maxBytes) {
            throw tooLarge(name, json.length);
        }
        try {
            return load(new ByteArrayInputStream(json), name);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    private Registry load(InputStream raw, String name) throws IOException, RegistryException {
        try {
            return parse(new BoundedUtf8Input.Limited(raw, maxBytes), name).registry();
        } catch (BoundedUtf8Input.SizeLimitException e) {
            throw tooLarge(name, e.seen);
        }
    }

    /**
     * The registry in {@code in}, or the problems that refuse it, read to the end of the JSON
     * document (or its first error).
     *
     * @throws IOException if {@code in} cannot be read, or passes the size limit
     *     ({@link BoundedUtf8Input.SizeLimitException})
     */
    private Parsed parse(InputStream in, String name) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        BoundedUtf8Input.StrictUtf8 checked = new BoundedUtf8Input.StrictUtf8(buffered);
        ProblemList problems = new ProblemList(name, maxProblems);
        SnapshotParser p = new SnapshotParser(schema, maxEntities, problems);
        buffered.mark(BoundedUtf8Input.HEAD);
        byte[] head = buffered.readNBytes(BoundedUtf8Input.HEAD);
        buffered.reset();
        if (BoundedUtf8Input.looksLikeUtf16or32(head)) {
            problems.add("", RegistryCode.INVALID_JSON,
                    "the snapshot is not UTF-8 (it looks like UTF-16 or UTF-32); save it as UTF-8");
            return new Parsed(null, problems.failure());
        }
        try (JsonParser parser = factory.createParser(checked)) {
            p.parser = parser;
            p.document();
        } catch (BoundedUtf8Input.SizeLimitException e) {
            throw e;
        } catch (BoundedUtf8Input.InvalidUtf8Exception e) {
            problems.add("", RegistryCode.INVALID_JSON, "not valid UTF-8 at byte " + e.offset
                    + " (an overlong, surrogate or truncated sequence); save the snapshot as UTF-8");
        } catch (StreamConstraintsException e) {
            problems.add(p.where(), RegistryCode.TOO_LARGE, e.getOriginalMessage()
                    + "; a registry snapshot is at most " + MAX_DEPTH + " levels deep");
        } catch (JsonParseException e) {
            String msg = e.getOriginalMessage();
            if (BoundedUtf8Input.looksLikeMarkdown(head)) {
                problems.add("", RegistryCode.NOT_A_SNAPSHOT, NOT_A_SNAPSHOT);
                return new Parsed(null, problems.failure());
            }
            String hint = msg.contains("UTF-8") || msg.contains("UTF8")
                    ? "not valid UTF-8: " + msg : "not well-formed JSON: " + msg;
            problems.add("", RegistryCode.INVALID_JSON, "line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + hint);
        } catch (JsonProcessingException e) {
            problems.add("", RegistryCode.INVALID_JSON, e.getOriginalMessage());
        }
        Registry registry = p.assemble();
        return problems.total() > 0 ? new Parsed(null, problems.failure()) : new Parsed(registry, null);
    }

    /**
     * Parses {@code raw} as {@link #load(Path)} does, and reads it to its end even past the
     * document's first problem: a tap on the file's reading thread (a signature's hash) then has
     * seen exactly the bytes parsed, and all of them.
     *
     * @throws IOException if {@code raw} cannot be read to its end, or passes the size limit
     *     ({@link BoundedUtf8Input.SizeLimitException})
     */
    Parsed parseToEnd(InputStream raw, String name) throws IOException {
        BoundedUtf8Input.Limited limited = new BoundedUtf8Input.Limited(raw, maxBytes);
        Parsed parsed = parse(limited, name);
        limited.transferTo(OutputStream.nullOutputStream());
        return parsed;
    }

    /** Reads what is left of {@code in}, for its taps; a failure only leaves their digest unknown. */
    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The digest stays unknown (FileDigest.hex() is empty): the caller knows the file was not read whole.
        }
    }

    /** The largest snapshot this loader reads, in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    /** A parse's outcome: the registry, or the exception that lists its problems. */
    record Parsed(Registry valid, RegistryException failure) {
        Registry registry() throws RegistryException {
            if (failure != null) {
                throw failure;
            }
            return valid;
        }
    }

    /** What a Markdown file given as the snapshot is told, instead of a JSON parser's complaint about "#". */
    static final String NOT_A_SNAPSHOT = "this file is Markdown, not a JSON registry snapshot; "
            + "is it the policy package? Pass the registry snapshot (the .json file) as the registry";

    private RegistryException tooLarge(String name, long size) {
        return single(name, RegistryCode.TOO_LARGE, "the snapshot is " + size
                + " bytes, more than the limit of " + maxBytes + " bytes; raise the limit if this is intended");
    }

    private static RegistryException single(String name, RegistryCode code, String message) {
        return new RegistryException(name, List.of(new RegistryProblem("", code, message)), 1);
    }

    /** Configures a {@link RegistryLoader}. */
    public static final class Builder {
        private RegistrySchema schema = RegistrySchema.none();
        private long maxBytes = 512L << 20;
        private int maxEntities = 10_000_000;
        private int maxProblems = 200;

        private Builder() {
        }

        /** Checks snapshots against {@code schema} (a policy package's Registry table). */
        public Builder schema(RegistrySchema schema) {
            this.schema = Objects.requireNonNull(schema,
                    "schema is null; pass policy.registry(), or RegistrySchema.none() to check no Registry table");
            return this;
        }

        /** Refuses snapshots larger than {@code maxBytes} before reading them. */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /** Refuses snapshots with more than {@code maxEntities} entities in all. */
        public Builder maxEntities(int maxEntities) {
            this.maxEntities = maxEntities;
            return this;
        }

        /** Keeps at most {@code maxProblems} problems (the count is always exact). */
        public Builder maxProblems(int maxProblems) {
            this.maxProblems = maxProblems;
            return this;
        }

        /** The loader. */
        public RegistryLoader build() {
            return new RegistryLoader(this);
        }
    }
}
