-- What each workspace's detailed report takes, learned from Toggl's answers. A workspace
-- whose Toggl refused the large page size with a 400 (`refused_size`) is asked the default
-- page size from then on, by every later pull; `served_size` is the size Toggl applied to a
-- full page (its X-Page-Size), which the pull estimate divides the entries by. Facts about
-- Toggl, not pulled data: they go only with their connection.
CREATE TABLE report_page_sizes (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    workspace_id  INTEGER NOT NULL,
    refused_size  INTEGER,
    served_size   INTEGER,
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (connection_id, workspace_id)
);
