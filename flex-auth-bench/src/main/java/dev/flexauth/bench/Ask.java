package dev.flexauth.bench;

/**
 * One ops-warden check request as the workload generator made it: the five request fields
 * ({@code principal} and {@code ttlHours} {@code null} when absent) and the outcome the generator
 * aimed for, which the baseline must confirm before anything is measured.
 */
record Ask(String actor, String subject, String action, String principal, Long ttlHours, Outcome intended) {
}
