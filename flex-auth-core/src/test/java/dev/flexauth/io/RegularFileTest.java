package dev.flexauth.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one reader of input files: regular files only, within a size cap and a deadline, so that no
 * file at a watched path can block or exhaust its reader.
 */
class RegularFileTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** Makes a FIFO at {@code path} with mkfifo(1); Java cannot. */
    static boolean mkfifo(Path path) throws IOException, InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void a_regular_file_and_a_symlink_to_one_are_read_whole() throws Exception {
        byte[] bytes = new byte[200_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("snapshot.json"), bytes);
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), file.getFileName());

        assertArrayEquals(bytes, RegularFile.readAllBytes(file, bytes.length, DEADLINE));
        assertArrayEquals(bytes, RegularFile.readAllBytes(link, bytes.length, DEADLINE));
        assertArrayEquals(new byte[0], RegularFile.readAllBytes(Files.createFile(dir.resolve("empty")), 0, DEADLINE));
    }

    /** The chunks the helper reads into are reused once read: read slowly, in odd pieces, every byte is still the file's. */
    @Test
    void a_file_of_many_chunks_read_slowly_in_odd_pieces_reads_back_exactly() throws Exception {
        byte[] bytes = new byte[5 * 1024 * 1024 + 12_345];
        java.util.Random random = new java.util.Random(18);
        random.nextBytes(bytes);
        Path file = Files.write(dir.resolve("large.json"), bytes);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length);
        try (InputStream in = RegularFile.open(file, bytes.length, DEADLINE)) {
            byte[] piece = new byte[70_001];
            for (int n, round = 0; (n = in.read(piece, 0, 1 + random.nextInt(piece.length))) > 0; round++) {
                out.write(piece, 0, n);
                if (round % 16 == 0) {
                    Thread.sleep(1); // the helper fills its queue and waits for spent chunks
                }
                int single = round % 7 == 0 ? in.read() : -1;
                if (single >= 0) {
                    out.write(single);
                }
            }
        }
        assertArrayEquals(bytes, out.toByteArray());
    }

    /** A tap sees every byte the caller reads, in order, before the caller does, and then the end. */
    @Test
    void a_tap_sees_exactly_the_bytes_read_and_a_digest_tap_hashes_them() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024 + 777];
        new java.util.Random(7).nextBytes(bytes);
        Path file = Files.write(dir.resolve("tapped.bin"), bytes);
        java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
        boolean[] ended = {false};
        RegularFile.Tap copy = new RegularFile.Tap() {
            @Override
            public void bytes(byte[] chunk, int length) {
                seen.write(chunk, 0, length);
            }

            @Override
            public void end() {
                ended[0] = true;
            }
        };
        FileDigest digest = FileDigest.sha256();
        byte[] read;
        try (InputStream in = RegularFile.open(file, bytes.length, DEADLINE, java.util.List.of(copy, digest))) {
            read = in.readAllBytes();
        }
        assertArrayEquals(bytes, read);
        assertArrayEquals(bytes, seen.toByteArray());
        assertTrue(ended[0]);
        assertEquals(java.util.Optional.of(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(bytes))), digest.hex());
    }

    /** A tap's refusal reaches the caller where the refused bytes would have: the bytes before it arrive, the rest never do. */
    @Test
    void a_taps_refusal_ends_the_read_in_place_of_the_refused_chunk() throws Exception {
        byte[] bytes = new byte[1024 * 1024];
        Path file = Files.write(dir.resolve("refused.bin"), bytes);
        long[] taken = {0};
        RegularFile.Tap refuseThird = (chunk, length) -> {
            if (taken[0] >= 2 * 64 * 1024) {
                throw new IOException("the third chunk is refused");
            }
            taken[0] += length;
        };
        FileDigest digest = FileDigest.sha256();
        long delivered = 0;
        try (InputStream in = RegularFile.open(file, bytes.length, DEADLINE, java.util.List.of(refuseThird, digest))) {
            byte[] piece = new byte[4096];
            IOException e = null;
            try {
                for (int n; (n = in.read(piece)) > 0; ) {
                    delivered += n;
                }
            } catch (IOException refused) {
                e = refused;
            }
            assertEquals("the third chunk is refused", e == null ? null : e.getMessage());
        }
        assertEquals(2 * 64 * 1024, delivered);
        assertEquals(java.util.Optional.empty(), digest.hex(), "a digest of part of the file is never given");
    }

    /** A tap's defect (an unchecked exception) reaches the caller at once, not as a reader gone silent until the deadline. */
    @Test
    void a_taps_defect_is_reported_at_once_as_an_io_error() throws Exception {
        Path file = Files.write(dir.resolve("defect.bin"), new byte[200_000]);
        RegularFile.Tap broken = (chunk, length) -> {
            throw new IllegalStateException("tap defect");
        };
        try (InputStream in = RegularFile.open(file, 200_000, Duration.ofSeconds(30), java.util.List.of(broken))) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("tap defect"), e.getMessage());
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        }
    }

    @Test
    void a_fifo_is_refused_before_it_is_opened() throws Exception {
        Path fifo = dir.resolve("snapshot.json");
        assumeTrue(mkfifo(fifo), "mkfifo(1) is not available here");

        RegularFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(RegularFileException.class, () -> RegularFile.readAllBytes(fifo, 1 << 20, DEADLINE)));
        assertEquals(RegularFileException.Kind.NOT_REGULAR, e.kind());
        assertEquals(fifo + " is a FIFO (named pipe), not a regular file; flex-auth reads only regular files (or symlinks"
                + " to them), so that no read can block or run without end", e.getMessage());
    }

    @Test
    void dev_zero_is_refused_before_it_is_read() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "no /dev/zero here");
        Path link = assertDoesNotThrowIo(() -> Files.createSymbolicLink(dir.resolve("registry.json"), zero));

        RegularFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(RegularFileException.class, () -> RegularFile.readAllBytes(link, 1 << 20, DEADLINE)));
        assertEquals(RegularFileException.Kind.NOT_REGULAR, e.kind());
        assertEquals(link + " is a character device, not a regular file; flex-auth reads only regular files (or symlinks"
                + " to them), so that no read can block or run without end", e.getMessage());
    }

    @Test
    void a_directory_is_refused_with_the_fix() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("registry.json"));

        RegularFileException e = assertThrows(RegularFileException.class, () -> RegularFile.readAllBytes(sub, 100, DEADLINE));
        assertEquals(RegularFileException.Kind.NOT_REGULAR, e.kind());
        assertEquals(sub + " is a directory, not a regular file; give the path of the file itself", e.getMessage());
    }

    @Test
    void a_file_over_the_cap_is_refused_on_its_size_unread() throws Exception {
        Path big = dir.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30);
        }

        RegularFileException e = assertThrows(RegularFileException.class, () -> RegularFile.open(big, 1 << 20, DEADLINE));
        assertEquals(RegularFileException.Kind.TOO_LARGE, e.kind());
        assertEquals(3L << 30, e.size());
        assertEquals(big + " is 3221225472 bytes, more than the limit of 1048576 bytes", e.getMessage());
    }

    /** A file that was under the cap when checked and grew before it was read: the read itself stops at the cap. */
    @Test
    void a_file_that_grew_past_the_cap_after_the_check_is_refused_as_it_is_read() throws Exception {
        Path file = Files.write(dir.resolve("growing.json"), new byte[200_000]);
        try (InputStream in = RegularFile.openAfterCheck(file, 100_000, DEADLINE)) {
            RegularFileException e = assertThrows(RegularFileException.class, in::readAllBytes);
            assertEquals(RegularFileException.Kind.TOO_LARGE, e.kind());
            assertEquals(file + " grew past the limit of 100000 bytes while it was read", e.getMessage());
            assertTrue(e.size() > 100_000);
        }
    }

    @Test
    void an_absent_file_is_named() {
        Path absent = dir.resolve("absent.json");
        RegularFileException e = assertThrows(RegularFileException.class, () -> RegularFile.readAllBytes(absent, 100, DEADLINE));
        assertEquals(RegularFileException.Kind.NOT_FOUND, e.kind());
        assertEquals("file not found: " + absent, e.getMessage());
    }

    /**
     * A file that passed the check and was then swapped for a FIFO before it was opened: the open
     * blocks in the kernel, and the caller gets its answer at the deadline anyway.
     */
    @Test
    void a_read_that_blocks_costs_the_deadline_not_the_caller() throws Exception {
        Path fifo = dir.resolve("snapshot.json");
        assumeTrue(mkfifo(fifo), "mkfifo(1) is not available here");

        RegularFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (InputStream in = RegularFile.openAfterCheck(fifo, 100, Duration.ofMillis(300))) {
                return assertThrows(RegularFileException.class, in::readAllBytes);
            }
        });
        assertEquals(RegularFileException.Kind.TIMED_OUT, e.kind());
        assertEquals("reading " + fifo + " took longer than 300 ms; is it on an unresponsive network file system, or was"
                + " it replaced by a FIFO while being opened?", e.getMessage());
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T assertDoesNotThrowIo(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
