package dev.lightning4j.core;

/** The entry point being run, passed to {@code LightningDataModule.setup}. */
public enum Stage { FIT, VALIDATE, TEST, PREDICT }
