package dev.flexauth.registry;

import dev.flexauth.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 over the canonical JSON form of a snapshot's data: members sorted by name (UTF-16 code
 * unit order, as RFC 8785), entities sorted by id, no whitespace, strings escaped as RFC 8785
 * does, integers in decimal, list order kept. The {@code source} block is left out. The exact
 * form is documented in {@code docs/registry-format.md} so a generator in another language can
 * compute the same digest.
 *
 * <p>Written straight into a buffer that feeds the digest: a million-entity snapshot is about
 * 150 MB of canonical text, so the per-byte cost matters more than elegance here.
 */
final class CanonicalDigest {
    private final MessageDigest sha;
    private final byte[] buf = new byte[1 << 16];
    private int len;

    private CanonicalDigest() {
        sha = Sha256.newDigest();
    }

    static String of(int formatVersion, Collection<EntityKind> kindsSortedByName) {
        CanonicalDigest d = new CanonicalDigest();
        d.ascii("{\"entities\":{");
        boolean firstKind = true;
        for (EntityKind kind : kindsSortedByName) {
            if (!firstKind) {
                d.put((byte) ',');
            }
            firstKind = false;
            d.string(kind.name());
            d.ascii(":[");
            d.entities(kind);
            d.put((byte) ']');
        }
        d.ascii("},\"format\":");
        d.string(RegistryLoader.FORMAT);
        d.ascii(",\"format_version\":" + formatVersion + "}");
        return "sha256:" + d.finish();
    }

    private void entities(EntityKind kind) {
        List<String> names = new ArrayList<>(kind.layout().names());
        names.add("id");
        names.sort(null);
        int[] slots = new int[names.size()];
        byte[][] keys = new byte[names.size()][];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = names.get(i).equals("id") ? -1 : kind.layout().slotOf(names.get(i));
            CanonicalDigest k = new CanonicalDigest();
            k.string(names.get(i));
            k.put((byte) ':');
            keys[i] = java.util.Arrays.copyOf(k.buf, k.len);
        }
        boolean firstEntity = true;
        for (Entity e : kind.entities()) {
            if (!firstEntity) {
                put((byte) ',');
            }
            firstEntity = false;
            put((byte) '{');
            boolean firstMember = true;
            for (int i = 0; i < slots.length; i++) {
                Object v = slots[i] < 0 ? e.id() : e.valueAt(slots[i]);
                if (v == null) {
                    continue;
                }
                if (!firstMember) {
                    put((byte) ',');
                }
                firstMember = false;
                bytes(keys[i], 0, keys[i].length);
                value(v);
            }
            put((byte) '}');
        }
    }

    private void value(Object v) {
        if (v instanceof String) {
            string((String) v);
        } else if (v instanceof StringList) {
            put((byte) '[');
            StringList list = (StringList) v;
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    put((byte) ',');
                }
                string(list.get(i));
            }
            put((byte) ']');
        } else {
            ascii(v.toString()); // Long or Boolean: decimal digits or true/false
        }
    }

    private void string(String s) {
        int n = s.length();
        if (buf.length - len < n + 2) {
            flush();
        }
        if (n + 2 <= buf.length) {
            // Fast path: plain ASCII without quotes, backslashes or controls is copied as is.
            int at = len;
            buf[at++] = '"';
            boolean plain = true;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                    plain = false;
                    break;
                }
                buf[at++] = (byte) c;
            }
            if (plain) {
                buf[at++] = '"';
                len = at;
                return;
            }
        }
        escaped(s);
    }

    /** RFC 8785 escaping: only '"', '\' and control characters; other text as UTF-8. */
    private void escaped(String s) {
        put((byte) '"');
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i < utf8.length; i++) {
            byte b = utf8[i];
            if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
                bytes(utf8, start, i - start);
                if (b < 0x20) {
                    escapeControl((char) b);
                } else {
                    put((byte) '\\');
                    put(b);
                }
                start = i + 1;
            }
        }
        bytes(utf8, start, utf8.length - start);
        put((byte) '"');
    }

    private void escapeControl(char c) {
        switch (c) {
            case '\b': ascii("\\b"); break;
            case '\t': ascii("\\t"); break;
            case '\n': ascii("\\n"); break;
            case '\f': ascii("\\f"); break;
            case '\r': ascii("\\r"); break;
            default: ascii(String.format("\\u%04x", (int) c));
        }
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put((byte) s.charAt(i));
        }
    }

    private void bytes(byte[] b, int from, int count) {
        if (count > buf.length - len) {
            flush();
            if (count > buf.length) {
                sha.update(b, from, count);
                return;
            }
        }
        System.arraycopy(b, from, buf, len, count);
        len += count;
    }

    private void put(byte b) {
        if (len == buf.length) {
            flush();
        }
        buf[len++] = b;
    }

    private void flush() {
        sha.update(buf, 0, len);
        len = 0;
    }

    private String finish() {
        flush();
        return HexFormat.of().formatHex(sha.digest());
    }
}
