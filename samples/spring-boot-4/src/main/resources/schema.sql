-- The application creates its schema on start (spring.sql.init.mode=always). A stagDB branch of the
-- source already holds it: stagdb-spring turns this off for tests on branches.
CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance int NOT NULL);
