package dev.flexauth.engine;

import dev.flexauth.registry.Entity;

/** A compiled operand: reads a request field, an entity attribute or a constant; {@code null} when absent. */
abstract class Val {
    /** The value, {@code null} when absent; entities passed as in {@link Cond#eval}. */
    abstract Object get(Object[] request, Entity first, Entity[] more);

    static final class FieldVal extends Val {
        private final int slot;

        FieldVal(int slot) {
            this.slot = slot;
        }

        @Override
        Object get(Object[] r, Entity first, Entity[] more) {
            return r[slot];
        }
    }

    /** An attribute of a resolved entity; absent when the entity is unknown. */
    static final class AttributeVal extends Val {
        private final int entity;
        private final int attribute;

        AttributeVal(int entity, int attribute) {
            this.entity = entity;
            this.attribute = attribute;
        }

        @Override
        Object get(Object[] r, Entity first, Entity[] more) {
            Entity x = Cond.entity(entity, first, more);
            return x == null ? null : x.valueAt(attribute);
        }
    }

    static final class Constant extends Val {
        private final Object value;

        Constant(Object value) {
            this.value = value;
        }

        @Override
        Object get(Object[] r, Entity first, Entity[] more) {
            return value;
        }
    }
}
