DROP INDEX changes_item_versions_idx;
