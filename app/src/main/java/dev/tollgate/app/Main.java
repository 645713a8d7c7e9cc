package dev.tollgate.app; /** Launcher. */ public final class Main { public static void main(String[] a) {} }
