package dev.flexauth.engine;

import dev.flexauth.io.RegularFile;
import dev.flexauth.registry.SnapshotSigners;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a registry snapshot or a policy package comes from: a file, bytes already in memory, or a
 * class-path resource (how a library ships its policy inside its jar). A file and a resource are
 * read again on every load, so a {@link ReloadingEngine} sees their changes; bytes never
 * change. The signature of a snapshot is beside it: {@code <file>.sig}, {@code <resource>.sig}, or
 * given with {@link #bytes(byte[], byte[], String)}. Immutable and thread-safe.
 */
public final class Input {
    private final String name;
    private final Path file;
    private final byte[] bytes;
    private final byte[] signature;
    private final ClassLoader loader;

    private Input(String name, Path file, byte[] bytes, byte[] signature, ClassLoader loader) {
        this.name = name;
        this.file = file;
        this.bytes = bytes;
        this.signature = signature;
        this.loader = loader;
    }

    /** The file at {@code path}, read as a regular file within the loader's size limit and a deadline. */
    public static Input file(Path path) {
        Objects.requireNonNull(path, "path is null; pass the path of the file");
        return new Input(path.toString(), path, null, null, null);
    }

    /** {@code bytes} (copied), named {@code name} in every error, with no signature. */
    public static Input bytes(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes is null; pass the file's UTF-8 bytes");
        Objects.requireNonNull(name, "name is null; pass the name errors should give this input");
        return new Input(name, null, bytes.clone(), null, null);
    }

    /** {@code bytes} (copied) with their {@code signature} (an armored SSHSIG file, copied), named {@code name}. */
    public static Input bytes(byte[] bytes, byte[] signature, String name) {
        Objects.requireNonNull(signature, "signature is null; pass the bytes of the snapshot's .sig file");
        Input plain = bytes(bytes, name);
        return new Input(name, null, plain.bytes, signature.clone(), null);
    }

    /**
     * Everything {@code in} holds, read now to its end (the caller closes it), named {@code name}.
     * At most {@code maxBytes} are read: a longer stream is an {@link UncheckedIOException}, so a
     * stream without end cannot exhaust the heap.
     */
    public static Input stream(InputStream in, String name, long maxBytes) {
        Objects.requireNonNull(in, "in is null; pass the stream to read");
        Objects.requireNonNull(name, "name is null; pass the name errors should give this input");
        try {
            return bytes(readAtMost(in, maxBytes, name), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The class-path resource {@code name} (e.g. {@code "policies/ssh_signing.md"}, no leading
     * slash), found through {@code loader}, read on every load.
     */
    public static Input resource(ClassLoader loader, String name) {
        Objects.requireNonNull(loader, "loader is null; pass the class loader that sees the resource, e.g. MyApp.class.getClassLoader()");
        Objects.requireNonNull(name, "name is null; pass the resource's name, e.g. \"policies/ssh_signing.md\"");
        return new Input("classpath:" + name, null, null, null, loader);
    }

    /** The name every error gives this input: the path, the given name, or {@code classpath:<name>}. */
    public String name() {
        return name;
    }

    /** The file, for an input made by {@link #file}. */
    Optional<Path> path() {
        return Optional.ofNullable(file);
    }

    /** The bytes, at most {@code maxBytes} of them: more is an {@link IOException} saying the limit. */
    byte[] read(long maxBytes) throws IOException {
        if (file != null) {
            return RegularFile.readAllBytes(file, maxBytes, RegularFile.DEFAULT_DEADLINE);
        }
        if (bytes != null) {
            if (bytes.length > maxBytes) {
                throw new IOException(name + " is " + bytes.length + " bytes, more than the limit of " + maxBytes);
            }
            return bytes;
        }
        return readResource(resourceName(), maxBytes);
    }

    /** The signature's bytes, or empty where there is none. */
    Optional<byte[]> readSignature() throws IOException {
        if (bytes != null) {
            return Optional.ofNullable(signature);
        }
        if (file != null) {
            Path sig = SnapshotSigners.signatureOf(file);
            return sig.toFile().exists()
                    ? Optional.of(RegularFile.readAllBytes(sig, SnapshotSigners.MAX_SIGNATURE_BYTES, RegularFile.DEFAULT_DEADLINE))
                    : Optional.empty();
        }
        String sigName = resourceName() + SnapshotSigners.SIGNATURE_SUFFIX;
        return loader.getResource(sigName) == null ? Optional.empty()
                : Optional.of(readResource(sigName, SnapshotSigners.MAX_SIGNATURE_BYTES));
    }

    /** Where the signature is looked for, for messages. */
    String signatureName() {
        return bytes != null ? name + " (signature given with the bytes)" : name + SnapshotSigners.SIGNATURE_SUFFIX;
    }

    private String resourceName() {
        return name.substring("classpath:".length());
    }

    private byte[] readResource(String resource, long maxBytes) throws IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class-path resource " + resource + " not found; is it in src/main/resources, "
                        + "and is the name relative to the class-path root, without a leading slash?");
            }
            return readAtMost(in, maxBytes, "classpath:" + resource);
        }
    }

    private static byte[] readAtMost(InputStream in, long maxBytes, String name) throws IOException {
        byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (read.length > maxBytes) {
            throw new IOException(name + " is more than the limit of " + maxBytes + " bytes");
        }
        return read;
    }

    @Override
    public String toString() {
        return name;
    }
}
