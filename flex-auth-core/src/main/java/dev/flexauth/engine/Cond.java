package dev.flexauth.engine;

import dev.flexauth.registry.Entity;
import dev.flexauth.registry.StringList;
import java.util.Set;

/**
 * A compiled condition: evaluates in three-valued (Kleene) logic over a request's value array and
 * its resolved entities, without maps, parsing or reflection. {@link #UNDECIDED} is the value of a
 * comparison that touches an absent field or an unknown entity; a rule matches only on {@link #TRUE}.
 *
 * <p>The entity of the first entity field is passed on its own and the others, if the package has
 * more than one, in an array ({@code null} otherwise): nearly every package has one entity field,
 * and this way a check allocates no array for it.
 */
abstract class Cond {
    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int UNDECIDED = 2;

    abstract int eval(Object[] request, Entity first, Entity[] more);

    /** The resolved entity of entity field {@code index} ({@code null} if absent or unknown). */
    static Entity entity(int index, Entity first, Entity[] more) {
        return index == 0 ? first : more[index - 1];
    }

    static int not(int v) {
        return v == UNDECIDED ? UNDECIDED : 1 - v;
    }

    static int of(boolean b) {
        return b ? TRUE : FALSE;
    }

    /** All operands; false wins over undecided, undecided over true. */
    static final class And extends Cond {
        private final Cond[] ops;

        And(Cond[] ops) {
            this.ops = ops;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            int result = TRUE;
            for (Cond c : ops) {
                int v = c.eval(r, first, more);
                if (v == FALSE) {
                    return FALSE;
                }
                if (v == UNDECIDED) {
                    result = UNDECIDED;
                }
            }
            return result;
        }
    }

    /** Any operand; true wins over undecided, undecided over false. */
    static final class Or extends Cond {
        private final Cond[] ops;

        Or(Cond[] ops) {
            this.ops = ops;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            int result = FALSE;
            for (Cond c : ops) {
                int v = c.eval(r, first, more);
                if (v == TRUE) {
                    return TRUE;
                }
                if (v == UNDECIDED) {
                    result = UNDECIDED;
                }
            }
            return result;
        }
    }

    static final class Not extends Cond {
        private final Cond op;

        Not(Cond op) {
            this.op = op;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            return not(op.eval(r, first, more));
        }
    }

    /** {@code field == "constant"} (or {@code !=}): the commonest test, kept to one array read. */
    static final class FieldEqualsConstant extends Cond {
        private final int slot;
        private final Object constant;
        private final boolean negated;

        FieldEqualsConstant(int slot, Object constant, boolean negated) {
            this.slot = slot;
            this.constant = constant;
            this.negated = negated;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            Object v = r[slot];
            if (v == null) {
                return UNDECIDED;
            }
            return of(constant.equals(v) != negated);
        }
    }

    /** {@code a == b} or {@code a != b} over any two operands of one type. */
    static final class Equals extends Cond {
        private final Val left;
        private final Val right;
        private final boolean negated;

        Equals(Val left, Val right, boolean negated) {
            this.left = left;
            this.right = right;
            this.negated = negated;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            Object a = left.get(r, first, more);
            if (a == null) {
                return UNDECIDED;
            }
            Object b = right.get(r, first, more);
            if (b == null) {
                return UNDECIDED;
            }
            return of(a.equals(b) != negated);
        }
    }

    /** An integer ordering: {@code < <= > >=}. */
    static final class Order extends Cond {
        static final int LT = 0;
        static final int LE = 1;
        static final int GT = 2;
        static final int GE = 3;

        private final Val left;
        private final Val right;
        private final int op;

        Order(Val left, Val right, int op) {
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            Object a = left.get(r, first, more);
            if (a == null) {
                return UNDECIDED;
            }
            Object b = right.get(r, first, more);
            if (b == null) {
                return UNDECIDED;
            }
            int c = Long.compare((Long) a, (Long) b);
            switch (op) {
                case LT: return of(c < 0);
                case LE: return of(c <= 0);
                case GT: return of(c > 0);
                default: return of(c >= 0);
            }
        }
    }

    /** {@code item in list-valued operand} (a field or attribute of type string[]). */
    static final class InList extends Cond {
        private final Val item;
        private final Val list;
        private final boolean negated;

        InList(Val item, Val list, boolean negated) {
            this.item = item;
            this.list = list;
            this.negated = negated;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            Object x = item.get(r, first, more);
            if (x == null) {
                return UNDECIDED;
            }
            Object l = list.get(r, first, more);
            if (l == null) {
                return UNDECIDED;
            }
            return of(((StringList) l).contains(x) != negated);
        }
    }

    /** {@code item in [constants]}. */
    static final class InConstants extends Cond {
        private final Val item;
        private final Set<Object> constants;
        private final boolean negated;

        InConstants(Val item, Set<Object> constants, boolean negated) {
            this.item = item;
            this.constants = constants;
            this.negated = negated;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            Object x = item.get(r, first, more);
            if (x == null) {
                return UNDECIDED;
            }
            return of(constants.contains(x) != negated);
        }
    }

    /** {@code field is present} (or {@code is missing}): never undecided. */
    static final class Present extends Cond {
        private final int slot;
        private final boolean negated;

        Present(int slot, boolean negated) {
            this.slot = slot;
            this.negated = negated;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            return of((r[slot] != null) != negated);
        }
    }

    /**
     * {@code entity is known} (or {@code is unknown}). An absent optional entity field is neither
     * known nor unknown: undecided.
     */
    static final class Known extends Cond {
        private final int slot;
        private final int entity;
        private final boolean negated;

        Known(int slot, int entity, boolean negated) {
            this.slot = slot;
            this.entity = entity;
            this.negated = negated;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            if (r[slot] == null) {
                return UNDECIDED;
            }
            return of((entity(entity, first, more) != null) != negated);
        }
    }

    /** A boolean field or attribute used as a condition. */
    static final class Truth extends Cond {
        private final Val value;

        Truth(Val value) {
            this.value = value;
        }

        @Override
        int eval(Object[] r, Entity first, Entity[] more) {
            Object v = value.get(r, first, more);
            return v == null ? UNDECIDED : of((Boolean) v);
        }
    }
}
