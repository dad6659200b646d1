/**
 * What two packages of flex-auth share and nobody else should call. Not API: it may change in
 * any release.
 */
package dev.flexauth.internal;
