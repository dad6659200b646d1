/**
 * In-process benchmarks (JMH) of the ops-warden policy on flex-auth's {@code Engine}, a hand-written
 * Java baseline and jCasbin, plus registry load time and footprint. Not part of {@code mvn verify};
 * built with {@code -Pbench} and run by {@code bench/run-inprocess.sh} (see {@code docs/performance.md}).
 */
package dev.flexauth.bench;
