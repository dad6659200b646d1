package dev.flexauth.analysis;

import dev.flexauth.engine.Engine;
import java.util.List;

/** For property tests outside this package: the property check with every key decided on its own, no classes shared. */
public final class KeyByKey {
    private KeyByKey() {
    }

    /** {@link PropertyChecker#check(Engine)}, deciding every key of the first entity field itself. */
    public static List<PropertyResult> check(Engine engine) {
        return PropertyChecker.check(engine, PropertyChecker.DEFAULT_MAX_CASES, 0x5eed_f1e8_a075L, false);
    }
}
