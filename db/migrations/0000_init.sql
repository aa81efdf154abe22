CREATE TABLE `hypotheses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`metric_id` integer NOT NULL,
	`parent_id` integer,
	`source_learning_id` integer,
	`title` text NOT NULL,
	`change` text NOT NULL,
	`outcome` text NOT NULL,
	`expected_lift` real,
	`rationale` text NOT NULL,
	`owner` text DEFAULT '' NOT NULL,
	`impact` integer NOT NULL,
	`confidence` integer NOT NULL,
	`ease` integer NOT NULL,
	`ice` real NOT NULL,
	`estimated_days` real,
	`expected_roti` real,
	`status` text NOT NULL,
	`result` text,
	`baseline` real,
	`observed` real,
	`lift` real,
	`actual_days` real,
	`return_score` real,
	`roti` real,
	`selected_at` integer,
	`started_at` integer,
	`closed_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`metric_id`) REFERENCES `metrics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `hypotheses_rank_ice_idx` ON `hypotheses` (`workspace_id`,`status`,"ice" desc,"expected_roti" desc,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `hypotheses_rank_roti_idx` ON `hypotheses` (`workspace_id`,`status`,"expected_roti" desc,"ice" desc,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `hypotheses_metric_idx` ON `hypotheses` (`workspace_id`,`metric_id`,`status`);--> statement-breakpoint
CREATE INDEX `hypotheses_parent_idx` ON `hypotheses` (`parent_id`);--> statement-breakpoint
CREATE TABLE `hypothesis_learnings` (
	`hypothesis_id` integer NOT NULL,
	`learning_id` integer NOT NULL,
	`workspace_id` integer NOT NULL,
	`relation` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`hypothesis_id`, `learning_id`),
	FOREIGN KEY (`hypothesis_id`) REFERENCES `hypotheses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`learning_id`) REFERENCES `learnings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `hypothesis_learnings_learning_idx` ON `hypothesis_learnings` (`learning_id`);--> statement-breakpoint
CREATE TABLE `hypothesis_tags` (
	`hypothesis_id` integer NOT NULL,
	`workspace_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`hypothesis_id`, `tag`),
	FOREIGN KEY (`hypothesis_id`) REFERENCES `hypotheses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `hypothesis_tags_tag_idx` ON `hypothesis_tags` (`workspace_id`,`tag`);--> statement-breakpoint
CREATE TABLE `learnings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`metric_id` integer,
	`statement` text NOT NULL,
	`status` text DEFAULT 'emerging' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`metric_id`) REFERENCES `metrics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `learnings_workspace_idx` ON `learnings` (`workspace_id`,`metric_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`unit` text DEFAULT '' NOT NULL,
	`direction` text DEFAULT 'up' NOT NULL,
	`owner` text DEFAULT '' NOT NULL,
	`current_value` real,
	`target` real,
	`checklist` text,
	`archived_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `metrics_workspace_idx` ON `metrics` (`workspace_id`,`kind`,`archived_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `metrics_one_north_star` ON `metrics` (`workspace_id`) WHERE kind = 'north_star';--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`ice_mode` text DEFAULT 'mean' NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workspaces_slug_unique` ON `workspaces` (`slug`);